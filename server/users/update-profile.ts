import type { Actor } from '../auth/authenticate';
import { getBroadcaster, getDb } from '../runtime';
import { blockedEitherWay } from '../safety/block-relations';
import { peerIds } from './peer-ids';
import { toPublicUser } from './public-user';

/** Changes the caller's display name and tells everyone who shares a conversation with them. */
export async function updateProfile(actor: Actor, input: { displayName: string }) {
  const db = getDb();
  const user = await db.user.update({ where: { id: actor.userId }, data: { displayName: input.displayName } });
  // Nothing passes across a block, renames included.
  const [peers, hidden] = await Promise.all([peerIds(db, actor.userId), blockedEitherWay(db, actor.userId)]);
  const audience = [actor.userId, ...peers.filter((id) => !hidden.has(id))];
  getBroadcaster().toUsers(audience, 'user:updated', toPublicUser(user));
  return toPublicUser(user);
}
