import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getBroadcaster, getDb } from '../runtime';
import { findUsersByHandle } from '../users/find-users';
import { recordAudit } from './record-audit';
import { requireAdmin } from './require-admin';
import { endSessionSubscriptions } from '../notifications/push-subscriptions';

type Lock = { kind: 'suspend'; until: Date } | { kind: 'ban' } | { kind: 'restore' };

/**
 * Suspends (until a time), bans, or restores a user. Suspending or banning ends every session at
 * once (tokens refused, sockets cut on every node) and sign-in is refused until restored. A ban is the
 * verdict on everything reported of theirs: those reports are resolved (their messages stay, as after
 * any resolve; a moderator removes a message first if it should go). A suspension leaves them open.
 * Restoring someone who is neither suspended nor banned is a `conflict`, as is banning or suspending
 * someone banned (suspending someone suspended sets the new end).
 */
export async function lockUser(actor: Actor, handle: string, lock: Lock, reason: string) {
  requireAdmin(actor);
  const db = getDb();
  const [user] = await findUsersByHandle(db, [handle]);
  if (user.id === actor.userId) throw new AppError('bad_request', 'You cannot do that to yourself.');
  const target = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true } });
  if (target.role === 'admin' && lock.kind !== 'restore') throw new AppError('forbidden', 'Admins cannot be suspended or banned.');

  const data =
    lock.kind === 'suspend'
      ? { suspendedUntil: lock.until }
      : lock.kind === 'ban'
        ? { bannedAt: new Date() }
        : { bannedAt: null, suspendedUntil: null };
  await db.$transaction(async (tx) => {
    // A restore lifts something, a ban or a suspension lands on someone not banned, or it is refused: the
    // log must not say it lifted what was not there, nor ban twice (the first ban's time would be lost).
    const lifted = { OR: [{ bannedAt: { not: null } }, { suspendedUntil: { gt: new Date() } }] };
    const { count } = await tx.user.updateMany({ where: { id: user.id, ...(lock.kind === 'restore' ? lifted : { bannedAt: null }) }, data });
    if (count === 0) throw new AppError('conflict', lock.kind === 'restore' ? `@${user.handle} is neither suspended nor banned.` : `@${user.handle} is already banned.`);
    const reportsResolved =
      lock.kind === 'ban'
        ? await tx.$executeRaw`UPDATE "Report" r SET "status" = 'resolved', "resolvedAt" = now(), "resolvedById" = ${actor.userId}
            FROM "Message" m WHERE m."id" = r."messageId" AND m."senderId" = ${user.id} AND r."status" = 'open'`
        : 0;
    if (lock.kind !== 'restore') {
      await tx.deviceSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
      await endSessionSubscriptions(tx, { userId: user.id });
    }
    await recordAudit(tx, actor, {
      action: `user.${lock.kind}`,
      targetType: 'user',
      targetId: user.handle,
      reason,
      details: lock.kind === 'suspend' ? { until: lock.until.toISOString() } : lock.kind === 'ban' ? { reportsResolved } : {},
    });
  });
  if (lock.kind !== 'restore') await getBroadcaster().disconnectUser(user.id);
  return { ok: true };
}
