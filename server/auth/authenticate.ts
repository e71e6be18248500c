import type { Prisma } from '../db/generated/client';
import { perTurn } from '../db/per-turn';
import { getDb } from '../runtime';
import { SESSION_TOUCH_INTERVAL_MS, touchDeviceSessions } from './device-sessions';
import { decodeSessionToken } from './session-token';

export type Actor = { userId: string; handle: string; displayName: string; sessionId: string; role: string; createdAt: Date };

/** Resolves a session token to its user, refusing ended sessions even while the JWT is unexpired. */
export async function authenticateToken(raw: string | null | undefined): Promise<Actor | null> {
  if (!raw) return null;
  const claims = await decodeSessionToken(raw);
  if (!claims) return null;
  return liveSessionActor(claims.sid);
}

/**
 * The actor of a session that is still live: not signed out, its user neither banned nor suspended.
 * Sockets call this again after the handshake, since a session can end while they stay connected;
 * those looks pass `touch: false`: an open socket's session is touched by the presence heartbeat, the
 * one place that does it for sockets.
 */
export async function liveSessionActor(sessionId: string, { touch = true } = {}): Promise<Actor | null> {
  const session = await findSession(sessionId);
  if (!session || session.revokedAt || isLockedOut(session.user)) return null;
  if (touch && Date.now() - session.lastSeenAt.getTime() > SESSION_TOUCH_INTERVAL_MS) touchDeviceSessions([session.id]).catch(() => {});
  const { user } = session;
  return { userId: user.id, handle: user.handle, displayName: user.displayName, sessionId: session.id, role: user.role, createdAt: user.createdAt };
}

type SessionWithUser = Prisma.DeviceSessionGetPayload<{ include: { user: true } }>;

// Each busy socket looks at its session again every few seconds: one query per turn for all of them.
const findSession = perTurn<SessionWithUser | null>(async (ids) => {
  const sessions = await getDb().deviceSession.findMany({ where: { id: { in: ids } }, include: { user: true } });
  return new Map(sessions.map((session) => [session.id, session]));
}, null);

/** Banned, or suspended until a time still ahead. */
export const isLockedOut = (user: { bannedAt: Date | null; suspendedUntil: Date | null }) =>
  user.bannedAt !== null || (user.suspendedUntil !== null && user.suspendedUntil.getTime() > Date.now());
