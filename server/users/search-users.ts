import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { toPublicUser } from './public-user';
import { userMatch } from './user-match';

/** Finds other users by handle or display name, for starting a conversation. */
export async function searchUsers(actor: Actor, query: string) {
  const users = await getDb().user.findMany({
    where: { id: { not: actor.userId }, ...userMatch(query) },
    orderBy: { handle: 'asc' },
    take: 20,
  });
  return users.map(toPublicUser);
}
