import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { appendSystemMessage } from '../messages/append-message';
import { roomMemberIds } from '../rooms/room-members';
import { getBroadcaster, getDb } from '../runtime';
import { messageAudience } from '../safety/visibility';
import { findUsersByHandle } from '../users/find-users';
import { lockGroup } from './lock-group';
import { requireGroupMember } from './require-group';
import { publicUserSelect, toPublicUser } from '../users/public-user';

type Invitee = { id: string; handle: string; displayName: string; avatarId: string | null };

/**
 * The owner asks someone they share no accepted conversation with into a group: an invite, not a
 * membership (safety/visibility.ts, rule 4). Only the invitee is told; the group sees them once they accept.
 */
export async function inviteToGroup(actor: Actor, roomId: string, user: Invitee) {
  const db = getDb();
  await db.$transaction(async (tx) => {
    const group = await lockGroup(tx, roomId, actor.userId);
    if (group.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can do that.');
    if ((await tx.roomMember.count({ where: { roomId, userId: user.id } })) > 0) throw new AppError('conflict', `@${user.handle} is already in this group.`);
    const created = await tx.groupInvite.createMany({ data: [{ roomId, userId: user.id, inviterId: actor.userId }], skipDuplicates: true });
    if (created.count === 0) throw new AppError('conflict', `@${user.handle} is already invited.`);
  });
  // The owner's other tabs list the invite too.
  getBroadcaster().toUsers([user.id, actor.userId], 'room:updated', { roomId });
  return { user: toPublicUser(user), invited: true };
}

/** The caller's open group invites, newest first: the group's name and who asked. */
export async function listInvites(actor: Actor) {
  const invites = await getDb().groupInvite.findMany({
    where: { userId: actor.userId },
    include: { room: { select: { name: true } }, inviter: { select: publicUserSelect } },
    orderBy: { createdAt: 'desc' },
  });
  return invites.map((invite) => ({
    roomId: invite.roomId,
    name: invite.room.name ?? '',
    from: toPublicUser(invite.inviter),
    createdAt: invite.createdAt.toISOString(),
  }));
}

/** A group's open invites, oldest first, for its owner (who sent them): so they can be seen and withdrawn. */
export async function listGroupInvites(actor: Actor, roomId: string) {
  const { room } = await requireGroupMember(actor, roomId);
  if (room.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can do that.');
  const invites = await getDb().groupInvite.findMany({
    where: { roomId },
    include: { user: { select: publicUserSelect } },
    orderBy: { createdAt: 'asc' },
  });
  return invites.map((invite) => ({ ...toPublicUser(invite.user), createdAt: invite.createdAt.toISOString() }));
}

/** The owner takes an invite back: it leaves the invitee's requests (they are told to refetch, as when invited). */
export async function withdrawInvite(actor: Actor, roomId: string, handle: string) {
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  await db.$transaction(async (tx) => {
    const group = await lockGroup(tx, roomId, actor.userId);
    if (group.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can do that.');
    const removed = await tx.groupInvite.deleteMany({ where: { roomId, userId: user.id } });
    if (removed.count === 0) throw new AppError('not_found', `@${user.handle} is not invited.`);
  });
  getBroadcaster().toUsers([user.id, actor.userId], 'room:updated', { roomId });
  return { ok: true };
}

/**
 * Accept: the caller becomes a member (cursors at the present, like anyone added) and the group sees
 * "… joined". Decline: the invite is gone; nobody is told.
 */
export async function answerInvite(actor: Actor, roomId: string, answer: 'accept' | 'decline') {
  const db = getDb();
  if (answer === 'decline') {
    const removed = await db.groupInvite.deleteMany({ where: { roomId, userId: actor.userId } });
    if (removed.count === 0) throw new AppError('not_found', 'No such invite.');
    getBroadcaster().toUsers([actor.userId], 'room:updated', { roomId });
    return { ok: true };
  }
  const system = await db.$transaction(async (tx) => {
    // The group's row lock orders this with membership changes (lockGroup's rule), so a group cannot lose its owner meanwhile.
    const [room] = await tx.$queryRaw<{ lastSeq: number }[]>`SELECT "lastSeq" FROM "Room" WHERE "id" = ${roomId} AND "kind" = 'group' FOR UPDATE`;
    const removed = await tx.groupInvite.deleteMany({ where: { roomId, userId: actor.userId } });
    if (!room || removed.count === 0) throw new AppError('not_found', 'No such invite.');
    const lastSeq = Number(room.lastSeq);
    const joined = await tx.roomMember.createMany({ data: [{ roomId, userId: actor.userId, readSeq: lastSeq, deliveredSeq: lastSeq, joinedSeq: lastSeq }], skipDuplicates: true });
    // Already a member (an invite left from before adding checked for one): the invite goes, nobody joined.
    return joined.count > 0 ? appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, `${actor.displayName} joined`) : null;
  });
  getBroadcaster().toUsers(await roomMemberIds(db, roomId), 'room:updated', { roomId });
  if (system) getBroadcaster().toUsers(await messageAudience(db, roomId, actor.userId), 'message:new', { message: system });
  return { ok: true };
}
