import { z } from 'zod';
import type { ErrorBody } from '../errors';
import type { ChatMessage, PresenceStatus, Receipt } from '../schemas';
import { clientMsgIdSchema, handleSchema, messageBodySchema, presenceQuerySchema, roomIdSchema, seqSchema } from '../schemas';

export { presenceQuerySchema };

// The socket contract, imported by the server (validation) and the browser (typed emits).
// One object with an either/or check rather than a union: a union's failure reads "Invalid input",
// while this names the field that is missing or wrong.
export const messageSendSchema = z
  .strictObject({
    to: handleSchema.optional(),
    roomId: roomIdSchema.optional(),
    clientMsgId: clientMsgIdSchema,
    body: messageBodySchema,
  })
  .refine((input) => (input.to === undefined) !== (input.roomId === undefined), {
    message: 'give exactly one of "to" (a handle) or "roomId"',
    path: ['to'],
  })
  .transform(({ to, roomId, clientMsgId, body }): MessageSendInput =>
    roomId !== undefined ? { roomId, clientMsgId, body } : { to: to!, clientMsgId, body },
  );
export type MessageSendInput = { to: string; clientMsgId: string; body: string } | { roomId: string; clientMsgId: string; body: string };

export const roomSyncSchema = z.strictObject({
  roomId: roomIdSchema,
  afterSeq: seqSchema,
  limit: z.number().int().min(1).max(200).optional(),
});

export const roomCursorSchema = z.strictObject({ roomId: roomIdSchema, seq: seqSchema });

export const typingSchema = z.strictObject({ roomId: roomIdSchema, typing: z.boolean() });

/** Where this tab is looking, sent on every change; a push waits while some tab shows the room, focused. */
export const viewStateSchema = z.strictObject({ roomId: roomIdSchema.nullable(), visible: z.boolean(), focused: z.boolean() });

export type Ack<T> = (reply: ({ ok: true } & T) | { ok: false; error: ErrorBody }) => void;

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendInput, ack: Ack<{ message: ChatMessage }>) => void;
  'room:sync': (
    payload: z.infer<typeof roomSyncSchema>,
    ack: Ack<{ messages: ChatMessage[]; lastSeq: number; hasMore: boolean }>,
  ) => void;
  'room:read': (payload: z.infer<typeof roomCursorSchema>, ack: Ack<{ unread: number }>) => void;
  'room:delivered': (payload: z.infer<typeof roomCursorSchema>, ack: Ack<Record<string, never>>) => void;
  'presence:query': (payload: z.infer<typeof presenceQuerySchema>, ack: Ack<{ statuses: PresenceStatus[] }>) => void;
  /** Sent at most every few seconds while typing, and with typing:false when done; never stored. */
  typing: (payload: z.infer<typeof typingSchema>, ack?: Ack<Record<string, never>>) => void;
  'view:state': (payload: z.infer<typeof viewStateSchema>, ack?: Ack<Record<string, never>>) => void;
}

export interface ServerToClientEvents {
  'message:new': (payload: { message: ChatMessage }) => void;
  receipt: (payload: Receipt) => void;
  unread: (payload: { roomId: string; count: number }) => void;
  /** The room's roster, name or owner changed, or the user joined or left it: refetch the room list. */
  'room:updated': (payload: { roomId: string }) => void;
  'user:updated': (payload: { handle: string; displayName: string }) => void;
  presence: (payload: PresenceStatus) => void;
  /** A moderator removed a message: show a "message removed" marker in its place. */
  'message:deleted': (payload: { roomId: string; messageId: string }) => void;
  typing: (payload: { roomId: string; handle: string; typing: boolean }) => void;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
