import type { DeviceSessionSummary } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';

/** The caller's signed-in browsers and API tokens, the current one marked, most recently used first. */
export async function listSessions(actor: Actor): Promise<DeviceSessionSummary[]> {
  const sessions = await getDb().deviceSession.findMany({
    where: { userId: actor.userId, revokedAt: null },
    orderBy: { lastSeenAt: 'desc' },
  });
  return sessions.map((session) => ({
    id: session.id,
    kind: session.kind === 'api' ? 'api' : 'browser',
    userAgent: session.userAgent,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    current: session.id === actor.sessionId,
  }));
}
