import { z } from 'zod';
import type { ErrorBody } from '../errors';
import type { ChatMessage, NotificationSettingsView, PresenceStatus, PublicUser, Receipt } from '../schemas';
import { attachmentIdsSchema, clientMsgIdSchema, emojiSchema, handleSchema, hasContent, messageBodySchema, messageIdSchema, messageTextSchema, presenceQuerySchema, roomIdSchema, seqSchema } from '../schemas';

export { presenceQuerySchema };

// The socket contract, imported by the server (validation) and the browser (typed emits).
// One object with an either/or check rather than a union: a union's failure reads "Invalid input",
// while this names the field that is missing or wrong.
export const messageSendSchema = z
  .strictObject({
    to: handleSchema.optional(),
    roomId: roomIdSchema.optional(),
    clientMsgId: clientMsgIdSchema,
    // May be empty when attachmentIds are given.
    body: messageTextSchema,
    /** The message this one answers, in the same conversation. */
    replyToId: messageIdSchema.optional(),
    attachmentIds: attachmentIdsSchema.optional(),
  })
  .refine((input) => (input.to === undefined) !== (input.roomId === undefined), {
    message: 'give exactly one of "to" (a handle) or "roomId"',
    path: ['to'],
  })
  .refine(hasContent, { message: 'must not be empty', path: ['body'] })
  .transform(({ to, roomId, ...rest }): MessageSendInput => (roomId !== undefined ? { roomId, ...rest } : { to: to!, ...rest }));
type MessageContent = { clientMsgId: string; body: string; replyToId?: string; attachmentIds?: string[] };
export type MessageSendInput = ({ to: string } & MessageContent) | ({ roomId: string } & MessageContent);

export const roomSyncSchema = z.strictObject({
  roomId: roomIdSchema,
  afterSeq: seqSchema,
  /** The room version the client holds messages up to afterSeq at; without it no `changes` come back. */
  afterVersion: seqSchema.optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const messageEditSchema = z.strictObject({ messageId: messageIdSchema, body: messageBodySchema });
export const messageDeleteSchema = z.strictObject({ messageId: messageIdSchema });
export const reactionSchema = z.strictObject({ messageId: messageIdSchema, emoji: emojiSchema });

export const roomCursorSchema = z.strictObject({ roomId: roomIdSchema, seq: seqSchema });

export const typingSchema = z.strictObject({ roomId: roomIdSchema, typing: z.boolean() });

/** Where this tab is looking, sent on every change; a push waits while some tab shows the room, focused. */
export const viewStateSchema = z.strictObject({ roomId: roomIdSchema.nullable(), visible: z.boolean(), focused: z.boolean() });

/** Asked by a hidden tab before it alerts: is the user looking at the app somewhere else right now? */
export const viewElsewhereSchema = z.strictObject({});

export type Ack<T> = (reply: ({ ok: true } & T) | { ok: false; error: ErrorBody }) => void;

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendInput, ack: Ack<{ message: ChatMessage }>) => void;
  'room:sync': (
    payload: z.infer<typeof roomSyncSchema>,
    ack: Ack<{ messages: ChatMessage[]; changes: ChatMessage[]; lastSeq: number; version: number; hasMore: boolean }>,
  ) => void;
  'message:edit': (payload: z.infer<typeof messageEditSchema>, ack: Ack<{ message: ChatMessage }>) => void;
  'message:delete': (payload: z.infer<typeof messageDeleteSchema>, ack: Ack<{ message: ChatMessage }>) => void;
  'reaction:add': (payload: z.infer<typeof reactionSchema>, ack: Ack<{ message: ChatMessage }>) => void;
  'reaction:remove': (payload: z.infer<typeof reactionSchema>, ack: Ack<{ message: ChatMessage }>) => void;
  'room:read': (payload: z.infer<typeof roomCursorSchema>, ack: Ack<{ unread: number }>) => void;
  'room:delivered': (payload: z.infer<typeof roomCursorSchema>, ack: Ack<Record<string, never>>) => void;
  'presence:query': (payload: z.infer<typeof presenceQuerySchema>, ack: Ack<{ statuses: PresenceStatus[] }>) => void;
  /** Sent at most every few seconds while typing, and with typing:false when done; never stored. */
  typing: (payload: z.infer<typeof typingSchema>, ack?: Ack<Record<string, never>>) => void;
  'view:state': (payload: z.infer<typeof viewStateSchema>, ack?: Ack<Record<string, never>>) => void;
  'view:elsewhere': (payload: z.infer<typeof viewElsewhereSchema>, ack: Ack<{ active: boolean }>) => void;
}

export interface ServerToClientEvents {
  'message:new': (payload: { message: ChatMessage }) => void;
  receipt: (payload: Receipt) => void;
  /** My unread count in a room, counted against my read cursor `readSeq` (at least; a later read may be in it). */
  /** The caller's unread count in a room, and how many of those mention them, counted against `readSeq`. */
  unread: (payload: { roomId: string; count: number; readSeq: number; mentions: number }) => void;
  /** The room's roster, name or owner changed, or the user joined or left it: refetch the room list. */
  'room:updated': (payload: { roomId: string }) => void;
  'user:updated': (payload: PublicUser) => void;
  /** The user's notification settings, changed on some device (PATCH /me/notifications). */
  'notifications:updated': (payload: NotificationSettingsView) => void;
  /** To the caller's own tabs and devices: they blocked or unblocked someone (settings' list, the composer). */
  'blocks:updated': (payload: { handle: string; blocked: boolean }) => void;
  presence: (payload: PresenceStatus) => void;
  /** A moderator removed a message: show a "message removed" marker in its place. */
  'message:deleted': (payload: { roomId: string; messageId: string }) => void;
  /** To its sender: a moderator discarded the message the spam checks held; it will never be sent. */
  'message:discarded': (payload: { clientMsgId: string }) => void;
  typing: (payload: { roomId: string; handle: string; typing: boolean }) => void;
  /**
   * A conversation's newest seq, repeated for a while after it moves: a client holding less syncs. In a
   * hot room (hybrid fan-out) it also stands in for `message:new` for the sockets not showing the room.
   */
  'room:advanced': (payload: { roomId: string; lastSeq: number }) => void;
  /** An edit, a delete by the sender or a reaction change: the message's current state, as this user sees it. */
  'message:updated': (payload: { message: ChatMessage }) => void;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Every socket showing a conversation (a visible tab: `view:state`), and those of one user among them. */
export const viewersRoom = (roomId: string) => `viewers:${roomId}`;
export const viewerRoom = (roomId: string, userId: string) => `viewer:${roomId}:${userId}`;
