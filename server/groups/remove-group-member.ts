import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { appendSystemMessage } from '../messages/append-message';
import { roomMemberIds } from '../rooms/room-members';
import { messageAudience } from '../safety/visibility';
import { getBroadcaster, getDb } from '../runtime';
import { findUsersByHandle } from '../users/find-users';
import { lockGroup } from './lock-group';
import { requireGroupMember } from './require-group';

/**
 * The owner removes a member, or anyone removes themself (leaving). When the owner leaves, the
 * longest-standing remaining member becomes owner, and the system message says so. The removed user loses the room and its history.
 */
export async function removeGroupMember(actor: Actor, roomId: string, handle: string) {
  await requireGroupMember(actor, roomId);
  const leaving = handle === actor.handle;
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  const before = await roomMemberIds(db, roomId);

  const system = await db.$transaction(async (tx) => {
    const group = await lockGroup(tx, roomId, actor.userId);
    if (!leaving && group.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can remove members.');
    const removed = await tx.roomMember.deleteMany({ where: { roomId, userId: user.id } });
    if (removed.count === 0) throw new AppError('not_found', `@${handle} is not in this group.`);
    // Invites stand for the one who sent them: they lapse when that person is no longer in the group.
    // And one of theirs left from before adding checked for it must not let them back in.
    await tx.groupInvite.deleteMany({ where: { roomId, OR: [{ inviterId: user.id }, { userId: user.id }] } });
    const heir =
      group.ownerId === user.id
        ? await tx.roomMember.findFirst({ where: { roomId }, orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }], include: { user: { select: { displayName: true } } } })
        : null;
    if (group.ownerId === user.id) await tx.room.update({ where: { id: roomId }, data: { ownerId: heir?.userId ?? null } });
    // The group is told who holds the owner's controls now, rather than finding out by chance.
    const body = (leaving ? `${actor.displayName} left` : `${actor.displayName} removed ${user.displayName}`) + (heir ? `; ${heir.user.displayName} is now the owner` : '');
    return appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, body);
  });
  getBroadcaster().toUsers([...new Set([...before, user.id])], 'room:updated', { roomId });
  // Like any message from the actor: not to members who blocked them (history hides it from them too).
  getBroadcaster().toUsers(await messageAudience(db, roomId, actor.userId), 'message:new', { message: system });
}
