import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { likeLiteral, userMatch } from '../users/user-match';
import { requireAdmin } from './require-admin';
import { toPublicUser } from '../users/public-user';

const statusOf = (user: { bannedAt: Date | null; suspendedUntil: Date | null }) =>
  user.bannedAt ? 'banned' : user.suspendedUntil && user.suspendedUntil.getTime() > Date.now() ? 'suspended' : 'active';

/** Users by handle or name, with their role and standing. */
export async function searchUsersAsAdmin(actor: Actor, query: string) {
  requireAdmin(actor);
  const users = await getDb().user.findMany({
    where: userMatch(query),
    orderBy: { createdAt: 'desc' },
    take: 50,
  });
  return users.map((user) => ({
    ...toPublicUser(user),
    role: user.role,
    status: statusOf(user),
    suspendedUntil: user.suspendedUntil?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  }));
}

/** Rooms by group name or by a member's handle. */
export async function searchRoomsAsAdmin(actor: Actor, query: string) {
  requireAdmin(actor);
  const q = likeLiteral(query.trim());
  const rooms = await getDb().room.findMany({
    where: q
      ? { OR: [{ name: { contains: q, mode: 'insensitive' } }, { members: { some: { user: { handle: { contains: q.toLowerCase() } } } } }] }
      : {},
    include: { members: { include: { user: { select: { handle: true } } } } },
    orderBy: { lastMessageAt: 'desc' },
    take: 50,
  });
  return rooms.map((room) => ({
    id: room.id,
    kind: room.kind,
    name: room.name,
    members: room.members.map((member) => member.user.handle),
    lastSeq: room.lastSeq,
    lastMessageAt: room.lastMessageAt.toISOString(),
  }));
}
