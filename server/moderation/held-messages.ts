import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { isUniqueViolation } from '../db/errors';
import { pushMessage } from '../messages/push-message';
import { metrics } from '../ops/metrics';
import { getBroadcaster, getDb } from '../runtime';
import { handlesById } from '../users/handles-by-id';
import { recordAudit } from './record-audit';
import { releaseHeld } from './release-held';
import { requireAdmin } from './require-admin';

/** Messages the spam checks held back, waiting for a moderator. */
export async function listHeld(actor: Actor) {
  requireAdmin(actor);
  const db = getDb();
  const held = await db.heldMessage.findMany({ where: { status: 'held' }, orderBy: { createdAt: 'asc' }, take: 100 });
  const rooms = new Map(
    (await db.room.findMany({ where: { id: { in: held.flatMap((item) => item.roomId ?? []) } }, select: { id: true, kind: true, name: true, directKey: true } })).map((room) => [room.id, room]),
  );
  // Whom each was for: the recipient of a first message, the other person of a direct room, or the group.
  const recipientOf = (item: (typeof held)[number]) => {
    if (!item.roomId) return item.recipientId;
    const room = rooms.get(item.roomId);
    return room?.kind === 'direct' ? (room.directKey?.split(':').find((id) => id !== item.senderId) ?? item.senderId) : null;
  };
  const recipients = held.map(recipientOf);
  const handleOf = await handlesById(db, [...held.map((item) => item.senderId), ...recipients.flatMap((id) => id ?? [])]);
  return held.map((item, index) => {
    const recipientId = recipients[index];
    return {
      id: item.id,
      sender: handleOf.get(item.senderId) ?? null,
      roomId: item.roomId,
      to: recipientId ? { kind: 'direct' as const, handle: handleOf.get(recipientId) ?? null } : { kind: 'group' as const, name: rooms.get(item.roomId!)?.name ?? '' },
      body: item.body,
      reason: item.reason,
      createdAt: item.createdAt.toISOString(),
    };
  });
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
