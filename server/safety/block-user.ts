import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getBroadcaster, getDb, getPresence } from '../runtime';
import { presenceHiddenFrom } from './visibility';
import { findUsersByHandle } from '../users/find-users';
import { toPublicUser } from '../users/public-user';

/** Blocks someone: they can no longer message the caller, add them to groups or see their presence. */
export async function blockUser(actor: Actor, handle: string) {
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  if (user.id === actor.userId) throw new AppError('bad_request', 'You cannot block yourself.');
  // Asked before the block hides it: whether they could see the caller's presence until now.
  const sawPresence = !(await presenceHiddenFrom(db, user.id, [actor.userId])).has(actor.userId);
  await db.block.createMany({ data: [{ blockerId: actor.userId, blockedId: user.id }], skipDuplicates: true });
  // A pending request from them is settled by the block.
  await db.roomMember.updateMany({
    where: { userId: actor.userId, request: 'pending', room: { kind: 'direct', members: { some: { userId: user.id } } } },
    data: { request: 'ignored' },
  });
  // So are group invites between the two, either way.
  await db.groupInvite.deleteMany({
    where: { OR: [{ userId: actor.userId, inviterId: user.id }, { userId: user.id, inviterId: actor.userId }] },
  });
  const broadcaster = getBroadcaster();
  broadcaster.toUsers([actor.userId], 'blocks:updated', { handle: user.handle, blocked: true });
  // Presence no longer passes between them: the blocked person's pages would otherwise show the
  // caller's status from before the block for good. Said as a query now answers it: not known. Only to
  // someone who could see it: to anyone else the event would only say "you were just blocked".
  if (sawPresence) broadcaster.toUsers([user.id], 'presence', { handle: actor.handle, status: 'offline', lastSeenAt: null });
  return toPublicUser(user);
}

export async function unblockUser(actor: Actor, handle: string) {
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  const removed = await db.block.deleteMany({ where: { blockerId: actor.userId, blockedId: user.id } });
  if (removed.count === 0) throw new AppError('not_found', `@${handle} is not blocked.`);
  const broadcaster = getBroadcaster();
  broadcaster.toUsers([actor.userId], 'blocks:updated', { handle: user.handle, blocked: false });
  // The block hid the caller's read and delivered cursors from them, and no receipt tells them of a
  // cursor that moved meanwhile: their list, fetched again (once: it is the whole list), shows how far
  // the caller has got.
  const shared = await db.room.findFirst({
    where: { AND: [{ members: { some: { userId: actor.userId } } }, { members: { some: { userId: user.id } } }] },
    orderBy: { kind: 'asc' },
    select: { id: true },
  });
  if (shared) broadcaster.toUsers([user.id], 'room:updated', { roomId: shared.id });
  // And the caller's presence, where they may see it again (a group they share too, which no list
  // refresh asks about).
  const hidden = await presenceHiddenFrom(db, user.id, [actor.userId]);
  if (hidden.has(actor.userId)) return;
  const me = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { id: true, handle: true, lastSeenAt: true } });
  const [status] = await getPresence().statusOf([me], hidden);
  broadcaster.toUsers([user.id], 'presence', status);
}

export async function listBlocks(actor: Actor) {
  const rows = await getDb().block.findMany({ where: { blockerId: actor.userId }, orderBy: { createdAt: 'desc' } });
  const users = await getDb().user.findMany({ where: { id: { in: rows.map((row) => row.blockedId) } } });
  const byId = new Map(users.map((user) => [user.id, user]));
  return rows.flatMap((row) => {
    const user = byId.get(row.blockedId);
    return user ? [{ ...toPublicUser(user), createdAt: row.createdAt.toISOString() }] : [];
  });
}
