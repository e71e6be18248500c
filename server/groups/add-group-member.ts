import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { appendSystemMessage } from '../messages/append-message';
import { roomMemberIds } from '../rooms/room-members';
import { getBroadcaster, getDb } from '../runtime';
import { groupEntry, messageAudience } from '../safety/visibility';
import { findUsersByHandle } from '../users/find-users';
import { inviteToGroup } from './group-invites';
import { growDirectRoom } from './grow-direct-room';
import { requireMember } from '../rooms/require-member';
import { lockGroup } from './lock-group';
import { toPublicUser } from '../users/public-user';

/**
 * The owner adds someone; a closed group (one member left) reopens. Everyone sees it live. Adding
 * someone to a direct conversation starts a new group with all three instead (returned as `room`).
 * Someone the owner shares no accepted conversation with is invited instead (`invited: true`).
 */
export async function addGroupMember(actor: Actor, roomId: string, handle: string) {
  const { room } = await requireMember(actor, roomId);
  if (room.kind === 'direct') return growDirectRoom(actor, roomId, handle);
  if (room.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can do that.');
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  const entry = await groupEntry(db, actor.userId, user.id);
  if (entry === 'refused') throw new AppError('forbidden', `You cannot add @${handle}.`);
  if (entry === 'invite') return inviteToGroup(actor, roomId, user);
  const system = await db.$transaction(async (tx) => {
    const group = await lockGroup(tx, roomId, actor.userId);
    if (group.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can do that.');
    // An open invite is theirs to answer: added besides, it would stay open and let them back in after a removal.
    if ((await tx.groupInvite.count({ where: { roomId, userId: user.id } })) > 0) throw new AppError('conflict', `@${handle} is already invited.`);
    // A newcomer's cursors start at the present: the history before them is not "unread", and not
    // theirs to receipt (joinedSeq: "Read by 1 of 2" under an older message does not count them).
    const created = await tx.roomMember.createMany({
      data: [{ roomId, userId: user.id, readSeq: group.lastSeq, deliveredSeq: group.lastSeq, joinedSeq: group.lastSeq }],
      skipDuplicates: true,
    });
    if (created.count === 0) throw new AppError('conflict', `@${handle} is already in this group.`);
    return appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, `${actor.displayName} added ${user.displayName}`);
  });
  getBroadcaster().toUsers(await roomMemberIds(db, roomId), 'room:updated', { roomId });
  getBroadcaster().toUsers(await messageAudience(db, roomId, actor.userId), 'message:new', { message: system });
  return { user: toPublicUser(user) };
}
