import { endSessionSubscriptions } from '../notifications/push-subscriptions';
import type { DbClient } from '../db/client-types';
import { getDb } from '../runtime';

export type SessionKind = 'browser' | 'api';

// A session's "last seen" (settings page) is written at most this often, whatever keeps it busy.
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export function createDeviceSession(userId: string, userAgent: string | undefined, kind: SessionKind) {
  return getDb().deviceSession.create({ data: { userId, kind, userAgent: (userAgent ?? '').slice(0, 300) } });
}

/** Ends one session only; the user's other browsers and tokens stay signed in. */
export async function revokeDeviceSession(sessionId: string, db: DbClient = getDb()): Promise<void> {
  await db.deviceSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  await endSessionSubscriptions(db, { sessionId });
}

/** Marks live sessions as seen now, skipping those already marked within the interval. */
export async function touchDeviceSessions(sessionIds: string[], db = getDb()): Promise<void> {
  if (sessionIds.length === 0) return;
  const now = Date.now();
  await db.deviceSession.updateMany({
    where: { id: { in: sessionIds }, revokedAt: null, lastSeenAt: { lt: new Date(now - SESSION_TOUCH_INTERVAL_MS) } },
    data: { lastSeenAt: new Date(now) },
  });
}
