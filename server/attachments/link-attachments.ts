import { AppError } from '@/lib/errors';
import type { DbClient } from '../db/client-types';
import type { AttachmentRow } from './attachment-info';

export type AttachmentLink = { messageId: string; senderId: string; roomId: string; attachmentIds: string[] };

/**
 * Attaches files to messages being stored, inside the caller's transaction: the one rule for what
 * may be sent. Each file must be the sender's own upload to that room and not sent before; if any
 * is not, the whole transaction is refused (nothing is stored). Returns each message's attachments
 * in the order given.
 */
export async function linkAttachments(tx: DbClient, links: AttachmentLink[]): Promise<Map<string, AttachmentRow[]>> {
  const pairs = links.flatMap((link) => link.attachmentIds.map((id, position) => ({ ...link, id, position })));
  const byMessage = new Map<string, AttachmentRow[]>();
  if (pairs.length === 0) return byMessage;
  const column = <K extends keyof (typeof pairs)[number]>(key: K) => pairs.map((pair) => pair[key]);
  // Row locks make a concurrent second send of the same file (or the sweep) wait, then find it taken.
  const linked = await tx.$queryRaw<(AttachmentRow & { messageId: string; position: number })[]>`
    UPDATE "Attachment" a SET "messageId" = p.message_id, "position" = p.position
    FROM unnest(${column('id')}::text[], ${column('messageId')}::text[], ${column('senderId')}::text[],
                ${column('roomId')}::text[], ${column('position')}::int[]) AS p(id, message_id, sender_id, room_id, position)
    WHERE a."id" = p.id AND a."messageId" IS NULL AND a."uploaderId" = p.sender_id AND a."roomId" = p.room_id
    RETURNING a."id", a."messageId", a."position", a."name", a."size", a."contentType", a."width", a."height"`;
  if (linked.length !== pairs.length) {
    throw new AppError('bad_request', 'attachmentIds: each must be your own upload to this conversation, not sent yet and not expired.');
  }
  for (const row of linked.sort((a, b) => a.position - b.position)) {
    byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row]);
  }
  return byMessage;
}

/** The attachments already sent with these messages (what a retry of a stored send gets back). */
export async function readAttachments(tx: DbClient, messageIds: string[]): Promise<Map<string, AttachmentRow[]>> {
  const byMessage = new Map<string, AttachmentRow[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await tx.attachment.findMany({
    where: { messageId: { in: messageIds } },
    select: { id: true, messageId: true, name: true, size: true, contentType: true, width: true, height: true },
    orderBy: { position: 'asc' },
  });
  for (const row of rows) byMessage.set(row.messageId!, [...(byMessage.get(row.messageId!) ?? []), row]);
  return byMessage;
}
