import type { PublicUser } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import type { Broadcaster } from '../realtime/broadcaster';
import { getBroadcaster, getDb } from '../runtime';
import { presenceAudience } from '../safety/visibility';
import { publicUserSelect, toPublicUser } from './public-user';

/** Changes the caller's display name and tells everyone who shares a conversation with them. */
export async function updateProfile(actor: Actor, input: { displayName: string }) {
  const db = getDb();
  const user = toPublicUser(await db.user.update({ where: { id: actor.userId }, data: { displayName: input.displayName }, select: publicUserSelect }));
  await announceProfile({ db, broadcaster: getBroadcaster() }, actor.userId, user);
  return user;
}

/**
 * A changed profile (name or picture) as `user:updated`, to the user's own tabs and where presence goes
 * (safety/visibility.ts, rule 1); `formerPeers`: those it went to before a change of rooms that came with
 * this one (a deleted account leaves its groups, yet its groups' members must learn the new name).
 */
export async function announceProfile(deps: { db: DbClient; broadcaster: Broadcaster }, userId: string, user: PublicUser, formerPeers: string[] = []) {
  const audience = new Set([userId, ...formerPeers, ...(await presenceAudience(deps.db, userId))]);
  deps.broadcaster.toUsers([...audience], 'user:updated', user);
}
