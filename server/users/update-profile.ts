import type { Actor } from '../auth/authenticate';
import { getBroadcaster, getDb } from '../runtime';
import { presenceAudience } from '../safety/visibility';
import { toPublicUser } from './public-user';

/** Changes the caller's display name and tells everyone who shares a conversation with them. */
export async function updateProfile(actor: Actor, input: { displayName: string }) {
  const db = getDb();
  const user = await db.user.update({ where: { id: actor.userId }, data: { displayName: input.displayName } });
  // Renames go where presence goes (safety/visibility.ts).
  const audience = [actor.userId, ...(await presenceAudience(db, actor.userId))];
  getBroadcaster().toUsers(audience, 'user:updated', toPublicUser(user));
  return toPublicUser(user);
}
