import type { Actor } from '../auth/authenticate';
import { getDb, getRuntime } from '../runtime';
import { requireGroupMember } from './require-group';
import { publicUserSelect, toPublicUser } from '../users/public-user';

/** The group's members, the owner marked, oldest member first. */
export function listGroupUsers(actor: Actor, roomId: string) {
  return getRuntime().rosterReads.run(() => readGroupUsers(actor, roomId));
}

async function readGroupUsers(actor: Actor, roomId: string) {
  const { room } = await requireGroupMember(actor, roomId);
  const members = await getDb().roomMember.findMany({
    where: { roomId },
    include: { user: { select: { id: true, ...publicUserSelect } } },
    orderBy: { joinedAt: 'asc' },
  });
  return members.map(({ user, joinedAt }) => ({
    ...toPublicUser(user),
    role: user.id === room.ownerId ? ('owner' as const) : ('member' as const),
    joinedAt: joinedAt.toISOString(),
  }));
}
