import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { shownAccount } from '../safety/visibility';
import { publicUserSelect, toPublicUser } from './public-user';
import { searchText, userMatch } from './user-match';

/** Finds other users by handle or display name, for starting a conversation; a banned account is not offered. */
export async function searchUsers(actor: Actor, query: string) {
  // "@" alone (the first key of "@alice") looks for no one, not for everyone.
  if (!searchText(query)) return [];
  const users = await getDb().user.findMany({
    where: { id: { not: actor.userId }, ...shownAccount, ...userMatch(query) },
    orderBy: { handle: 'asc' },
    take: 20,
  });
  return users.map(toPublicUser);
}

/**
 * The handles given that exist, with their display names, in the order given. Names are not private (anyone
 * signed in finds people by them); the client asks for handles it sees but holds no name for.
 */
export async function namesOf(handles: string[]) {
  const users = await getDb().user.findMany({ where: { handle: { in: handles } }, select: publicUserSelect });
  const byHandle = new Map(users.map((user) => [user.handle, user]));
  return [...new Set(handles)].flatMap((handle) => (byHandle.has(handle) ? [toPublicUser(byHandle.get(handle)!)] : []));
}
