import { z } from 'zod';
import { FORBIDDEN_CHARACTERS, FORBIDDEN_IN_NAMES, hasLoneSurrogate, INVISIBLE_CHARACTERS, isInvisible, shorten } from './text-rules';

// Shared by the forms in the browser and the server's validation.
export const MAX_BODY_LENGTH = 4000;

/** A handle as it is stored: 3–32 of a-z 0-9 _ . - (what sign-up requires, exactly). */
export const newHandleSchema = z
  .string()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z0-9_.-]+$/, 'may only contain lower-case a-z, 0-9, "_", "." and "-"');

/** A handle naming someone who exists: looked up case-insensitively, so "@Bob " finds bob. */
export const handleSchema = z.string().trim().toLowerCase().pipe(newHandleSchema);

// bcrypt reads only the first 72 bytes of a password: a longer one would match any other sharing them.
const MAX_PASSWORD_BYTES = 72;
/** Whether bcrypt reads all of it: checking a longer one would accept anything starting with the real one. */
export const passwordFitsHash = (password: string) => new TextEncoder().encode(password).length <= MAX_PASSWORD_BYTES;

export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  // Blanks alone look like a password and guard nothing.
  .refine((password) => password.trim() !== '', 'must not be only spaces')
  .refine(
    passwordFitsHash,
    `must be at most ${MAX_PASSWORD_BYTES} bytes: ${MAX_PASSWORD_BYTES} plain letters, fewer with accents or emoji`,
  );

/** A display or group name: one visible line, with the body rules (no control characters or bidi overrides). */
const nameSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, { message: `must be at most ${max} characters`, abort: true })
    .refine((name) => !FORBIDDEN_IN_NAMES.test(name), 'must not contain control characters or direction overrides')
    .refine((name) => !hasLoneSurrogate(name), 'must be valid Unicode text')
    .refine((name) => !isInvisible(name), 'must show at least one visible character');

/** What others see in place of a deleted account's name: no one else may take it (nor a look-alike of it). */
export const DELETED_ACCOUNT_NAME = 'Deleted account';
// Compatibility forms (full-width letters), case, spacing and invisible characters (format characters,
// fillers that show as blanks, variation selectors) do not make it another name.
const nameKey = (name: string) => name.normalize('NFKC').replace(INVISIBLE_CHARACTERS, '').toLowerCase();

export const displayNameSchema = nameSchema(64).refine((name) => nameKey(name) !== nameKey(DELETED_ACCOUNT_NAME), `must not be "${DELETED_ACCOUNT_NAME}"`);

export const signUpSchema = z.strictObject({
  username: newHandleSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
});

export const credentialsSchema = z.strictObject({
  // The browser sign-in parses with this directly, not through parseInput: no NUL may reach the look-up.
  username: z.string().min(1, 'is required').max(64).regex(/^[^\u0000]*$/, 'must not contain NUL characters'),
  password: z.string().min(1, 'is required').max(200),
});

/**
 * Any message text, which may be empty when the message carries attachments (see hasContent). Control
 * characters are left to the send's content check, which runs after a retry is answered from storage.
 */
export const messageTextSchema = z
  .string()
  .max(MAX_BODY_LENGTH, { message: `must be at most ${MAX_BODY_LENGTH} characters`, abort: true })
  .refine((body) => !hasLoneSurrogate(body), 'must be valid Unicode text');

/** Text that must show something and hold no control characters (an edit). */
export const messageBodySchema = messageTextSchema
  .refine((body) => !isInvisible(body), 'must show at least one visible character')
  .refine((body) => !FORBIDDEN_CHARACTERS.test(body), 'contains control characters that are not allowed');

export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** A message shows something, or carries at least one attachment: invisible-only text alone is refused. */
export const hasContent = (input: { body: string; attachmentIds?: string[] }) => !isInvisible(input.body) || (input.attachmentIds?.length ?? 0) > 0;

// Ids are opaque to us but must be storable text (a NUL byte makes Postgres refuse the whole statement)
// and harmless where they are echoed: C1 too (U+009B starts a terminal escape, U+0085 is a newline to some).
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** Text the client chooses that is stored as it is: Postgres turns a lone surrogate into U+FFFD, so two would become one. */
const storableText = <T extends z.ZodString>(schema: T) =>
  schema.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').refine((text) => !hasLoneSurrogate(text), 'must be valid Unicode text');

export const clientMsgIdSchema = storableText(z.string().min(1, 'is required').max(64, { message: 'must be at most 64 characters', abort: true }));

export const attachmentIdsSchema = z
  .array(z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an attachment id'))
  .max(MAX_ATTACHMENTS_PER_MESSAGE, `at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name an attachment twice');

export const roomIdSchema = z.string().min(1).max(64).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

export const userSearchSchema = z.object({ q: z.string().max(64).default('') });

/** `GET /requests?status=`: the requests waiting (default), or the ones the caller ignored. */
export const requestListSchema = z.object({ status: z.enum(['pending', 'ignored']).default('pending') });
/** `GET /users?handles=a,b`: the names behind handles seen in a conversation (a member who has left it). */
export const USER_LOOKUP_MAX = 50;
export const userLookupSchema = z.strictObject({ handles: z.array(handleSchema).min(1).max(USER_LOOKUP_MAX) });

// Seqs are Postgres integers: a larger one is refused here, not by the database as a 500.
export const MAX_SEQ = 2 ** 31 - 1;

/** A whole number in a query string, written in digits: not `0x10`, `1e2`, ` 5` or an empty value. */
const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** How many of a moderation queue to list, oldest first (`GET /admin/reports`, `/admin/held`): the rest are counted. */
export const MODERATION_PAGE = 100;
export const MODERATION_QUEUE_MAX = 5 * MODERATION_PAGE;
export const moderationQueueQuerySchema = z.object({ limit: queryInt(1, MODERATION_QUEUE_MAX).default(MODERATION_PAGE) });

export const messagePageSchema = z.object({
  limit: queryInt(1, 200).default(50),
  beforeSeq: queryInt(1, MAX_SEQ).optional(),
  afterSeq: queryInt(0, MAX_SEQ).optional(),
});

export const seqSchema = z.number().int().min(0).max(MAX_SEQ);

/** A group's name, at creation and on a rename. */
export const groupNameSchema = nameSchema(80);

export const createGroupSchema = z.strictObject({
  name: groupNameSchema,
  members: z.array(handleSchema).max(100, 'at most 100 members at once').default([]),
});

export const renameGroupSchema = z.strictObject({ name: groupNameSchema });

export const addMemberSchema = z.strictObject({ handle: handleSchema });

export const messageIdSchema = z.string().min(1).max(64).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

export const restSendSchema = z
  .strictObject({ clientMsgId: clientMsgIdSchema, body: messageTextSchema, replyToId: messageIdSchema.optional(), attachmentIds: attachmentIdsSchema.optional() })
  .refine(hasContent, { message: 'must not be empty', path: ['body'] });

export const readCursorSchema = z.strictObject({ seq: seqSchema });

export const updateProfileSchema = z.strictObject({ displayName: displayNameSchema });

/** POST /me/password, and the settings form. The current password is checked as a sign-in's is (any length it may have). */
/** `DELETE /api/v1/me`: the account's password, asked again so a borrowed session cannot end the account. */
export const deleteAccountSchema = z.strictObject({ password: z.string().min(1, 'is required').max(200) });

export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, 'is required').max(200),
    newPassword: passwordSchema,
  })
  .refine((input) => input.newPassword !== input.currentPassword, { path: ['newPassword'], message: 'must differ from the current password' });

/** Why, in a moderator's or reporter's words: up to 500 characters, lines allowed, no other control characters. */
const reasonText = z
  .string()
  .trim()
  .max(500, { message: 'must be at most 500 characters', abort: true })
  .refine((reason) => !FORBIDDEN_CHARACTERS.test(reason), 'contains control characters that are not allowed')
  .refine((reason) => !hasLoneSurrogate(reason), 'must be valid Unicode text');
const reasonSchema = (empty: string) => reasonText.min(1, empty);

export const reportSchema = z.strictObject({
  messageId: z.string().min(1).max(64),
  reason: reasonSchema('must not be empty'),
});

export const blockSchema = z.strictObject({ handle: handleSchema });

export const moderationReasonSchema = z.strictObject({
  reason: reasonSchema('must say why'),
});

export const suspendSchema = z.strictObject({
  reason: reasonSchema('must say why'),
  /** How long; at most a year. */
  durationMs: z.number().int().min(60_000).max(365 * 24 * 3600 * 1000),
});

export const resolveReportSchema = z.strictObject({
  status: z.enum(['resolved', 'dismissed']),
  reason: reasonText.default(''),
});

export type PublicUser = {
  handle: string;
  displayName: string;
  /** The profile picture (relative, versioned: `/api/v1/users/:handle/avatar?v=…`); null for none. */
  avatarUrl: string | null;
};

/**
 * `joinedSeq`: the room's last seq when they joined (0 for founders): messages up to it were sent before
 * them. Absent from a list kept offline by an older version of the page (taken as 0).
 * `deleted`: the person deleted their account (shown as "Deleted account"; a direct conversation with them
 * takes no more messages).
 */
export type RoomMemberSummary = PublicUser & { readSeq: number; deliveredSeq: number; joinedSeq?: number; deleted?: true };

export type ChatMessage = {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId: string;
  sender: string;
  /** 'system' for membership events ("alice added bob"); absent counts as 'text'. */
  kind: 'text' | 'system';
  body: string;
  createdAt: string;
  /** Removed by a moderator or deleted by the sender: the body is empty; `deletedBy` says which. */
  deleted?: true;
  // Rich messaging (issue 9). Always set by the server; optional so a message built by the client
  // (an outbox entry) still fits. See docs/protocol.md.
  deletedBy?: 'sender' | 'moderator';
  editedAt?: string | null;
  replyTo?: ReplyQuote | null;
  reactions?: ReactionSummary[];
  mentions?: string[];
  /** The room's version at this message's last change: a newer copy replaces an older one. */
  version?: number;
  /** Files sent with the message, in the order given; empty when none (and when the message is deleted). */
  attachments: AttachmentInfo[];
  /** Its links would have been held for a moderator, but there is none: clients show them as plain text until asked. */
  linksHeld?: true;
};

/** An uploaded file as messages carry it; width and height only for images. Fetched at /api/v1/attachments/:id. */
export const attachmentInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  contentType: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfoSchema>;
/** An upload's answer: the file, and when it is deleted unless sent (ATTACHMENT_UNSENT_TTL_MS after the upload). */
export type UploadedAttachment = { attachment: AttachmentInfo; expiresAt: string };
// A file waiting in a draft: as uploaded, with when it expires on this device's clock (absent in drafts
// kept before uploads said so: those are not judged).
export const draftFileSchema = attachmentInfoSchema.extend({ expiresAt: z.string().optional() });
export type DraftFile = z.infer<typeof draftFileSchema>;

export type RoomSummary = {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  /** Each member with their read and delivered cursors, for receipts. */
  members: RoomMemberSummary[];
  owner: string | null;
  /** A group left with one member: shown as closed until someone is added. */
  closed: boolean;
  lastMessage: ChatMessage | null;
  lastSeq: number;
  unread: number;
  /** The room's change counter (docs/protocol.md "Versions"). */
  version?: number;
  /** Unread messages that mention the caller. */
  mentions?: number;
  /** Groups the caller owns: the handles with an open invite, oldest first (a group of only invitees waits for one). */
  invited?: string[];
  /** The caller's notification level for this room (see docs/notifications.md); GET /rooms always sends it. */
  notifications?: RoomNotifications;
};

export type PresenceStatus = { handle: string; status: 'online' | 'offline'; lastSeenAt: string | null };

/** How many people one presence query may ask about. */
export const PRESENCE_QUERY_MAX = 200;
export const presenceQuerySchema = z.strictObject({ handles: z.array(handleSchema).min(1).max(PRESENCE_QUERY_MAX) });

export type DeviceSessionSummary = {
  id: string;
  kind: 'browser' | 'api';
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
};

export type MessageRequest = { roomId: string; from: PublicUser | null; lastMessage: ChatMessage | null; createdAt: string; /** Set for a group invite: the group's name. */ group?: string };

/** An invitation into a group (GET /requests → `invites`); the client lists it with the requests. */
export type GroupInvite = { roomId: string; name: string; from: PublicUser; createdAt: string };

export type Contact = PublicUser & { lastActivityAt: string; unread: number };

export type Receipt = { roomId: string; reader: string; seq: number; kind: 'delivered' | 'read' };

/** An admin directory search: cut to 64 characters (parseInput refuses a NUL in it, which Postgres would). */
export const adminSearchSchema = z.object({ q: z.string().default('').transform((q) => shorten(q, 64)) });

/** One emoji (one grapheme with a pictograph or a flag), as a reaction. */
export const emojiSchema = z
  .string()
  .min(1, { message: 'must be one emoji', abort: true })
  // Before the grapheme count, which takes time that grows faster than the text.
  .max(32, { message: 'must be one emoji', abort: true })
  .refine(
    (text) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].length === 1 && /\p{Extended_Pictographic}|^\p{Regional_Indicator}{2}$/u.test(text),
    'must be one emoji',
  );


export const searchQuerySchema = z.object({
  // Composed (NFC) as bodies are stored: "café" typed or pasted decomposed (e + U+0301) finds them too.
  q: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters').regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').transform((q) => q.normalize('NFC')),
  roomId: roomIdSchema.optional(),
  limit: queryInt(1, 50).default(20),
  beforeId: messageIdSchema.optional(),
  /** The `nextCursor` of the page before: continues where it ended, whatever became of its last result. */
  cursor: z.string().max(200, 'must be at most 200 characters').optional(),
});

export const mentionsQuerySchema = z.object({
  limit: queryInt(1, 100).default(50),
  beforeId: messageIdSchema.optional(),
});

/**
 * The quoted original of a reply, as it is now. `hidden`: the original is by someone the viewer blocked,
 * whose words they do not get, so sender and excerpt are empty.
 */
export type ReplyQuote = { id: string; seq: number; sender: string; excerpt: string; deleted: boolean; hidden?: true };

/** One emoji on a message: `handles` holds at most 20 of those who reacted, the viewer's own first. */
export type ReactionSummary = { emoji: string; count: number; handles: string[] };

/** A search hit: the matching words as [start, end) UTF-16 offsets into `message.body`. */
export type SearchHighlight = { start: number; end: number };

// Notifications (docs/notifications.md).
export const notifyLevelSchema = z.enum(['all', 'mentions', 'mute']);
export type RoomNotifications = { level: z.infer<typeof notifyLevelSchema>; muteUntil: string | null };

/** The longest timed mute, as a duration (a year): longer is "until changed". */
export const MUTE_FOR_MAX_MS = 366 * 24 * 60 * 60 * 1000;

// A timed mute is an end (`muteUntil`) or a duration from the server's now (`muteForMs`): "for 1 hour"
// sent as an end read the browser's clock, and one hours off muted for hours more, or was refused.
export const roomNotificationsSchema = z
  .strictObject({
    level: notifyLevelSchema,
    muteUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    muteForMs: z.number().int().min(1_000).max(MUTE_FOR_MAX_MS).optional(),
  })
  .refine((input) => input.level === 'mute' || input.muteUntil == null, { message: 'muteUntil goes only with level "mute"', path: ['muteUntil'] })
  .refine((input) => input.level === 'mute' || input.muteForMs == null, { message: 'muteForMs goes only with level "mute"', path: ['muteForMs'] })
  .refine((input) => input.muteUntil == null || input.muteForMs == null, { message: 'give muteUntil or muteForMs, not both', path: ['muteForMs'] });

const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const timeZoneSchema = z.string().max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');
// A window that starts where it ends holds no time at all: refused rather than kept and never applied.
export const quietHoursSchema = z
  .strictObject({ start: clockTimeSchema, end: clockTimeSchema, timeZone: timeZoneSchema })
  .refine((quiet) => quiet.start !== quiet.end, { message: 'must end at another time than it starts', path: ['end'] });
export type QuietHoursSetting = z.infer<typeof quietHoursSchema>;
export type NotificationSettingsView = { enabled: boolean; hideText: boolean; quietHours: QuietHoursSetting | null };

export const notificationSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  hideText: z.boolean().optional(),
  quietHours: quietHoursSchema.nullable().optional(),
});

// What PushSubscription.toJSON() gives, so a client can post it as it is.
export const pushSubscriptionSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullable().optional(),
  // The browser's P-256 public key (65 bytes, uncompressed: 0x04 first) and auth secret (16 bytes), base64url:
  // anything else cannot be encrypted to, and would fail every push to this device.
  keys: z.strictObject({
    p256dh: z.string().regex(/^B[A-Za-z0-9_-]{86}=?$/, 'must be a P-256 public key, base64url'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'must be 16 bytes, base64url'),
  }),
});
export const pushEndpointSchema = z.strictObject({ endpoint: z.string().min(1).max(2048) });
