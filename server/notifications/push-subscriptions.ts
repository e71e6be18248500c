import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import type { PrismaClient } from '../db/generated/client';

/**
 * Saves the browser's subscription for the caller's device session. An endpoint is one browser
 * profile: if it was subscribed by another session (someone else signed in there before), it moves
 * to this one, so pushes follow whoever is signed in now.
 */
export async function savePushSubscription(
  db: PrismaClient,
  actor: Actor,
  input: { endpoint: string; keys: { p256dh: string; auth: string } },
  options: { allowHttp: boolean },
): Promise<void> {
  const url = new URL(input.endpoint);
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    throw new AppError('bad_request', 'endpoint must be an https:// URL.');
  }
  const data = { userId: actor.userId, sessionId: actor.sessionId, p256dh: input.keys.p256dh, auth: input.keys.auth };
  await db.pushSubscription.upsert({ where: { endpoint: input.endpoint }, create: { endpoint: input.endpoint, ...data }, update: data });
}

/** Removes one of the caller's subscriptions (the browser unsubscribed, or notifications were turned off). */
export async function deletePushSubscription(db: PrismaClient, actor: Actor, endpoint: string): Promise<void> {
  const { count } = await db.pushSubscription.deleteMany({ where: { endpoint, userId: actor.userId } });
  if (count === 0) throw new AppError('not_found', 'No such subscription.');
}

/** A device session ended (signed out, revoked, the user suspended): its subscriptions end with it. */
export async function endSessionSubscriptions(db: DbClient, where: { sessionId: string } | { userId: string }): Promise<void> {
  await db.pushSubscription.deleteMany({ where });
}
