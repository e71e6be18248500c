import { AppError } from '@/lib/errors';
import { MODERATION_PAGE } from '@/lib/schemas';
import { attachmentSelect, toAttachmentInfo } from '../attachments/attachment-info';
import type { Actor } from '../auth/authenticate';
import { isUniqueViolation } from '../db/errors';
import { pushMessage } from '../messages/push-message';
import { metrics } from '../ops/metrics';
import { getBroadcaster, getDb } from '../runtime';
import { addresseesOf } from './addressees';
import { recordAudit } from './record-audit';
import { releaseHeld } from './release-held';
import { requireAdmin } from './require-admin';

/** Messages the spam checks held back, waiting for a moderator: the oldest `limit`, and how many in all. */
export async function listHeld(actor: Actor, limit = MODERATION_PAGE) {
  requireAdmin(actor);
  const db = getDb();
  const [held, total] = await Promise.all([
    db.heldMessage.findMany({ where: { status: 'held' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit }),
    db.heldMessage.count({ where: { status: 'held' } }),
  ]);
  const { to, handleOf } = await addresseesOf(db, held);
  // The files Release would deliver with the text, in their order: the moderator decides on them too.
  const files = await db.attachment.findMany({ where: { id: { in: held.flatMap((item) => item.attachmentIds) } }, select: attachmentSelect.select });
  const fileById = new Map(files.map((file) => [file.id, toAttachmentInfo(file)]));
  const items = held.map((item, index) => ({
    id: item.id,
    sender: handleOf.get(item.senderId) ?? null,
    roomId: item.roomId,
    to: to[index],
    body: item.body,
    attachments: item.attachmentIds.flatMap((id) => fileById.get(id) ?? []),
    reason: item.reason,
    createdAt: item.createdAt.toISOString(),
  }));
  return { held: items, total };
}

/** Release puts the message into its conversation as if just sent; discard drops it. */
export async function decideHeld(actor: Actor, heldId: string, action: 'release' | 'discard', reason: string) {
  requireAdmin(actor);
  const db = getDb();
  // A refused release rolls the claim and its audit entry back: the message stays held.
  const decided = await db
    .$transaction(async (tx) => {
      const claimed = await tx.heldMessage.updateMany({ where: { id: heldId, status: 'held' }, data: { status: action === 'release' ? 'released' : 'discarded' } });
      if (claimed.count === 0) throw new AppError('not_found', 'No such held message.');
      const held = await tx.heldMessage.findUniqueOrThrow({ where: { id: heldId } });
      await recordAudit(tx, actor, { action: `held.${action}`, targetType: 'held', targetId: heldId, reason });
      return { held, message: action === 'release' ? await releaseHeld(tx, held) : null };
    })
    .catch((error) => {
      // The same clientMsgId was stored by a send racing this release.
      if (isUniqueViolation(error)) throw new AppError('conflict', 'This message is already in the conversation; discard the held copy.');
      throw error;
    });
  const { held, message } = decided;
  if (message) {
    metrics().messagesStored.inc();
    await pushMessage(db, message, held.senderId);
  } else {
    // The sender's outbox still shows it waiting for review: it is told, and stops waiting.
    getBroadcaster().toUsers([held.senderId], 'message:discarded', { clientMsgId: held.clientMsgId });
  }
  return { ok: true, message };
}
