import type { Actor } from '../auth/authenticate';
import { revokeDeviceSession } from '../auth/device-sessions';
import type { DbClient } from '../db/client-types';
import type { PrismaClient } from '../db/generated/client';
import type { Broadcaster } from '../realtime/broadcaster';

export type SessionDeps = { db: PrismaClient; broadcaster: Pick<Broadcaster, 'disconnectSession'> };

/**
 * Revokes every session of the caller but the current one (inside the caller's transaction, if any) and
 * returns their ids, for `disconnectSessions` once that is committed.
 */
export async function revokeOtherSessions(db: DbClient, actor: Actor): Promise<string[]> {
  const others = await db.deviceSession.findMany({
    where: { userId: actor.userId, revokedAt: null, id: { not: actor.sessionId } },
    select: { id: true },
  });
  for (const { id } of others) await revokeDeviceSession(id, db);
  return others.map(({ id }) => id);
}

/** Cuts the sockets of revoked sessions on every node, as the settings page's "Sign out" does each. */
export async function disconnectSessions(deps: Pick<SessionDeps, 'broadcaster'>, sessionIds: string[]): Promise<void> {
  await Promise.all(sessionIds.map((id) => deps.broadcaster.disconnectSession(id)));
}
