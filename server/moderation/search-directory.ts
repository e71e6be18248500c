import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { likeLiteral, searchText, userMatch } from '../users/user-match';
import { requireAdmin } from './require-admin';
import { toPublicUser } from '../users/public-user';

const statusOf = (user: { bannedAt: Date | null; suspendedUntil: Date | null; deletedAt: Date | null }) =>
  user.deletedAt ? 'deleted' : user.bannedAt ? 'banned' : user.suspendedUntil && user.suspendedUntil.getTime() > Date.now() ? 'suspended' : 'active';

// How many of each a search lists, newest first; `total` says how many matched, so the page can say to narrow it.
const LISTED = 50;

/** Users by handle or name, with their role and standing: the newest `LISTED`, and how many matched. */
export async function searchUsersAsAdmin(actor: Actor, query: string) {
  requireAdmin(actor);
  const where = userMatch(query);
  const [users, total] = await Promise.all([getDb().user.findMany({ where, orderBy: { createdAt: 'desc' }, take: LISTED }), getDb().user.count({ where })]);
  return {
    total,
    users: users.map((user) => ({
      ...toPublicUser(user),
      role: user.role,
      status: statusOf(user),
      suspendedUntil: user.suspendedUntil?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
    })),
  };
}

/** Rooms by group name or by a member's handle: the `LISTED` most recently active, and how many matched. */
export async function searchRoomsAsAdmin(actor: Actor, query: string) {
  requireAdmin(actor);
  const q = likeLiteral(searchText(query));
  const where = q ? { OR: [{ name: { contains: q, mode: 'insensitive' as const } }, { members: { some: { user: { handle: { contains: q.toLowerCase() } } } } }] } : {};
  const [rooms, total] = await Promise.all([
    getDb().room.findMany({ where, include: { members: { include: { user: { select: { handle: true } } } } }, orderBy: { lastMessageAt: 'desc' }, take: LISTED }),
    getDb().room.count({ where }),
  ]);
  return {
    total,
    rooms: rooms.map((room) => ({
      id: room.id,
      kind: room.kind,
      name: room.name,
      members: room.members.map((member) => member.user.handle),
      lastSeq: room.lastSeq,
      lastMessageAt: room.lastMessageAt.toISOString(),
    })),
  };
}
