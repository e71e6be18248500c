import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';

export type AppendInput = {
  roomId: string;
  sender: { id: string; handle: string };
  clientMsgId: string;
  body: string;
  kind?: 'text' | 'system';
  linksHeld?: boolean;
};

/**
 * Stores a message with the room's next seq in one statement: the counter row's lock orders
 * concurrent senders (on any node), and a failed insert rolls the bump back, so seqs have no gaps.
 * One round trip, which is what lets the send path scale to thousands per second.
 */
export async function appendMessage(db: DbClient, input: AppendInput): Promise<ChatMessage> {
  const kind = input.kind ?? 'text';
  const rows = await db.$queryRaw<{ id: string; seq: number; createdAt: Date }[]>`
    WITH bumped AS (
      UPDATE "Room" SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now()
      WHERE "id" = ${input.roomId}
      RETURNING "lastSeq"
    )
    INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "kind", "body", "linksHeld")
    SELECT ${randomUUID()}, ${input.roomId}, "lastSeq", ${input.sender.id}, ${input.clientMsgId}, ${kind}, ${input.body}, ${input.linksHeld === true}
    FROM bumped
    RETURNING "id", "seq", "createdAt"`;
  const row = rows[0];
  if (!row) throw new Error(`room ${input.roomId} vanished while sending`);
  return {
    id: row.id,
    roomId: input.roomId,
    seq: Number(row.seq),
    clientMsgId: input.clientMsgId,
    sender: input.sender.handle,
    kind,
    body: input.body,
    createdAt: new Date(row.createdAt).toISOString(),
    ...(input.linksHeld && { linksHeld: true as const }),
  };
}

/** A membership event shown in the conversation, numbered like any message. */
export function appendSystemMessage(db: DbClient, roomId: string, actor: { id: string; handle: string }, body: string) {
  return appendMessage(db, { roomId, sender: actor, clientMsgId: `system:${randomUUID()}`, body, kind: 'system' });
}
