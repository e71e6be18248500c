import { z } from 'zod';

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

export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters');

export const displayNameSchema = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

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

export const messageBodySchema = z
  .string()
  .max(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`)
  .refine((body) => body.trim().length > 0, 'must not be empty');

// Ids are opaque to us but must be storable text: a NUL byte makes Postgres refuse the whole statement.
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

export const clientMsgIdSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

export const roomIdSchema = z.string().min(1).max(64).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

export const userSearchSchema = z.object({ q: z.string().max(64).default('') });

export const messagePageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
});

export const seqSchema = z.number().int().min(0);

export const createGroupSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
  members: z.array(handleSchema).max(100, 'at most 100 members at once').default([]),
});

export const addMemberSchema = z.strictObject({ handle: handleSchema });

export const restSendSchema = z.strictObject({ clientMsgId: clientMsgIdSchema, body: messageBodySchema });

export const readCursorSchema = z.strictObject({ seq: seqSchema });

export const updateProfileSchema = z.strictObject({ displayName: displayNameSchema });

export const reportSchema = z.strictObject({
  messageId: z.string().min(1).max(64),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
});

export const blockSchema = z.strictObject({ handle: handleSchema });

export const moderationReasonSchema = z.strictObject({
  reason: z.string().trim().min(1, 'must say why').max(500, 'must be at most 500 characters'),
});

export const suspendSchema = z.strictObject({
  reason: z.string().trim().min(1, 'must say why').max(500),
  /** How long; at most a year. */
  durationMs: z.number().int().min(60_000).max(365 * 24 * 3600 * 1000),
});

export const resolveReportSchema = z.strictObject({
  status: z.enum(['resolved', 'dismissed']),
  reason: z.string().trim().max(500).default(''),
});

export type PublicUser = { handle: string; displayName: string };

export type RoomMemberSummary = PublicUser & { readSeq: number; deliveredSeq: number };

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
  /** Removed by a moderator: the body is empty and the client shows "message removed". */
  deleted?: true;
  /** Its links would have been held for a moderator, but there is none: clients show them as plain text until asked. */
  linksHeld?: true;
};

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
};

export type PresenceStatus = { handle: string; status: 'online' | 'offline'; lastSeenAt: string | null };

export const presenceQuerySchema = z.strictObject({ handles: z.array(handleSchema).min(1).max(200) });

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
