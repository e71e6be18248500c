import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { Tx } from '../db/client-types';
import { eitherBlocked, hasBlocked } from '../safety/block-relations';

// Worded for the usual case, a message deleted meanwhile, without saying which of the reasons it was.
const notFound = () => new AppError('not_found', 'This message was deleted, or you can no longer see it.');

/**
 * A message the caller may act on, read after the room is locked. What they cannot see is
 * `not_found`, as for rooms: not in the room, deleted, or from someone they blocked. In a direct
 * room with a block either way nothing may be added (as for sends): `forbidden`.
 */
export async function findMessageFor(tx: Tx, actor: Actor, messageId: string, action: 'change' | 'react') {
  const message = await tx.message.findUnique({
    where: { id: messageId },
    include: { room: { select: { kind: true, members: { where: { userId: actor.userId }, select: { userId: true } } } } },
  });
  if (!message || message.room.members.length === 0 || message.deletedAt) throw notFound();
  if (message.senderId !== actor.userId) {
    if (await hasBlocked(tx, actor.userId, message.senderId)) throw notFound();
    if (action === 'change') throw new AppError('forbidden', 'You can only edit or delete your own messages.');
  }
  if (message.kind !== 'text') throw new AppError('forbidden', 'Membership events cannot be changed.');
  if (action === 'react' && message.room.kind === 'direct') {
    const other = await tx.roomMember.findFirst({ where: { roomId: message.roomId, userId: { not: actor.userId } }, select: { userId: true } });
    const gone = other && (await tx.user.count({ where: { id: other.userId, deletedAt: { not: null } } })) > 0;
    if (other && (gone || (await eitherBlocked(tx, actor.userId, other.userId)))) throw new AppError('forbidden', 'You cannot react in this conversation.');
  }
  return message;
}

/** Finds the room of a message without reading it as anyone: only to lock that room first. */
export async function roomOfMessage(tx: Tx, messageId: string): Promise<string> {
  const row = await tx.message.findUnique({ where: { id: messageId }, select: { roomId: true } });
  if (!row) throw notFound();
  return row.roomId;
}
