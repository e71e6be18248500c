import type { Actor } from '../auth/authenticate';
import { revokeDeviceSession } from '../auth/device-sessions';
import type { PrismaClient } from '../db/generated/client';
import type { Broadcaster } from '../realtime/broadcaster';

export type SessionDeps = { db: PrismaClient; broadcaster: Pick<Broadcaster, 'disconnectSession'> };

/** Signs out every session of the caller but the current one, as the settings page's "Sign out" does each. */
export async function endOtherSessions(deps: SessionDeps, actor: Actor): Promise<void> {
  const others = await deps.db.deviceSession.findMany({
    where: { userId: actor.userId, revokedAt: null, id: { not: actor.sessionId } },
    select: { id: true },
  });
  await Promise.all(
    others.map(async ({ id }) => {
      await revokeDeviceSession(id, deps.db);
      await deps.broadcaster.disconnectSession(id);
    }),
  );
}
