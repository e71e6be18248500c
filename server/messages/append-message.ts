import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { parseMentions } from '@/lib/mentions';
import type { ChatMessage } from '@/lib/schemas';
import { toAttachmentInfo } from '../attachments/attachment-info';
import { linkAttachments } from '../attachments/link-attachments';
import type { DbClient } from '../db/client-types';
import { Prisma } from '../db/generated/client';
import { type MessageRow, toChatMessages } from './chat-message';
import { mentionedMembers, replyTargetMissing } from './message-rules';

export type AppendInput = {
  roomId: string;
  sender: { id: string; handle: string };
  clientMsgId: string;
  body: string;
  kind?: 'text' | 'system';
  replyToId?: string;
  /** Linked in the same statement sequence: pass a transaction when there are any. */
  attachmentIds?: string[];
  linksHeld?: boolean;
};

/**
 * Stores a message with the room's next seq in one statement: the counter row's lock orders
 * concurrent senders (on any node), and a failed insert rolls the bump back, so seqs have no gaps.
 * One round trip, which is what lets the send path scale to thousands per second.
 */
export async function appendMessage(db: DbClient, input: AppendInput): Promise<ChatMessage> {
  const kind = input.kind ?? 'text';
  const replyToId = input.replyToId ?? null;
  const candidates = kind === 'text' ? parseMentions(input.body) : [];
  const rows = await db.$queryRaw<(Omit<MessageRow, 'sender'> & { replyMissing: boolean })[]>`
    WITH target AS (
      SELECT ${replyTargetMissing(Prisma.sql`${input.roomId}`, Prisma.sql`${replyToId}::text`)} AS missing
    ), bumped AS (
      UPDATE "Room" SET "lastSeq" = "lastSeq" + 1, "version" = "version" + 1, "lastMessageAt" = now()
      WHERE "id" = ${input.roomId} AND NOT (SELECT missing FROM target)
      RETURNING "lastSeq", "version"
    ), inserted AS (
      INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "kind", "body", "replyToId", "mentions", "version", "linksHeld")
      SELECT ${randomUUID()}, ${input.roomId}, "lastSeq", ${input.sender.id}, ${input.clientMsgId}, ${kind}, ${input.body}, ${replyToId},
        ${mentionedMembers(Prisma.sql`${input.roomId}`, Prisma.sql`${candidates}::text[]`)}, "version", ${input.linksHeld === true}
      FROM bumped
      RETURNING *
    )
    SELECT inserted.*, (SELECT missing FROM target) AS "replyMissing" FROM (SELECT 1) one LEFT JOIN inserted ON true`;
  const row = rows[0];
  if (row?.replyMissing) throw new AppError('not_found', 'No such message to reply to.');
  if (!row?.id) throw new Error(`room ${input.roomId} vanished while sending`);
  const attachments = input.attachmentIds?.length
    ? (await linkAttachments(db, [{ messageId: row.id, senderId: input.sender.id, roomId: input.roomId, attachmentIds: input.attachmentIds }])).get(row.id) ?? []
    : [];
  const [message] = await toChatMessages(db, input.sender.id, [{ ...row, attachments, sender: { handle: input.sender.handle } }], { fresh: true });
  return message;
}

/** A membership event shown in the conversation, numbered like any message. */
export function appendSystemMessage(db: DbClient, roomId: string, actor: { id: string; handle: string }, body: string) {
  return appendMessage(db, { roomId, sender: actor, clientMsgId: `system:${randomUUID()}`, body, kind: 'system' });
}
