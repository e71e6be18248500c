import { perTurn } from '../db/per-turn';
import { getDb } from '../runtime';
import { SESSION_TOUCH_INTERVAL_MS, touchDeviceSessions } from './device-sessions';
import { decodeSessionToken } from './session-token';

export type Actor = { userId: string; handle: string; displayName: string; avatarId: string | null; sessionId: string; role: string; createdAt: Date };

/** Resolves a session token to its user, refusing ended sessions even while the JWT is unexpired. */
export async function authenticateToken(raw: string | null | undefined): Promise<Actor | null> {
  if (!raw) return null;
  const claims = await decodeSessionToken(raw);
  if (!claims) return null;
  return liveSessionActor(claims.sid);
}

/**
 * The actor of a session that is still live: not signed out, its user neither banned, suspended nor deleted.
 * Sockets call this again after the handshake, since a session can end while they stay connected;
 * those looks pass `touch: false`: an open socket's session is touched by the presence heartbeat, the
 * one place that does it for sockets.
 */
export async function liveSessionActor(sessionId: string, { touch = true } = {}): Promise<Actor | null> {
  const session = await findSession(sessionId);
  if (!session || session.revokedAt || isLockedOut(session)) return null;
  if (touch && Date.now() - session.lastSeenAt.getTime() > SESSION_TOUCH_INTERVAL_MS) touchDeviceSessions([session.id]).catch(() => {});
  const { userId, handle, displayName, avatarId, role, createdAt } = session;
  return { userId, handle, displayName, avatarId, sessionId: session.id, role, createdAt };
}

/** A device session with what its user's actor needs. */
type SessionRow = Omit<Actor, 'sessionId'> & {
  id: string;
  revokedAt: Date | null;
  lastSeenAt: Date;
  bannedAt: Date | null;
  suspendedUntil: Date | null;
  deletedAt: Date | null;
};

// Each busy socket looks at its session again every few seconds: one query per turn for all of them,
// the session and its user joined (Prisma's `include` would be a second query).
const findSession = perTurn<SessionRow | null>(async (ids) => {
  const rows = await getDb().$queryRaw<SessionRow[]>`
    SELECT s."id", s."revokedAt", s."lastSeenAt", u."id" AS "userId", u."handle", u."displayName", u."avatarId", u."role",
           u."createdAt", u."bannedAt", u."suspendedUntil", u."deletedAt"
    FROM "DeviceSession" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ANY(${ids}::text[])`;
  return new Map(rows.map((row) => [row.id, row]));
}, null);

/**
 * Banned, suspended until a time still ahead, or deleted (a session made by a sign-in that raced the
 * deletion is not one the deletion could revoke).
 */
export const isLockedOut = (user: { bannedAt: Date | null; suspendedUntil: Date | null; deletedAt: Date | null }) =>
  user.bannedAt !== null || user.deletedAt !== null || (user.suspendedUntil !== null && user.suspendedUntil.getTime() > Date.now());
