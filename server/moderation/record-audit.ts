import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';

export type AuditAction =
  | 'message.delete'
  | 'report.resolve'
  | 'report.dismiss'
  | 'user.suspend'
  | 'user.ban'
  | 'user.restore'
  | 'held.release'
  | 'held.discard';

/** Writes who did what to what, and why. The table refuses updates and deletes. */
export function recordAudit(
  db: DbClient,
  actor: Actor,
  entry: { action: AuditAction; targetType: 'message' | 'report' | 'user' | 'held'; targetId: string; reason: string; details?: object },
) {
  return db.auditEntry.create({
    data: {
      actorId: actor.userId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason,
      details: JSON.stringify(entry.details ?? {}),
    },
  });
}
