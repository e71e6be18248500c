import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { recordAudit } from './record-audit';
import { requireAdmin } from './require-admin';

export async function resolveReport(actor: Actor, reportId: string, input: { status: 'resolved' | 'dismissed'; reason: string }) {
  requireAdmin(actor);
  const db = getDb();
  await db.$transaction(async (tx) => {
    const updated = await tx.report.updateMany({
      where: { id: reportId, status: 'open' },
      data: { status: input.status, resolvedAt: new Date(), resolvedById: actor.userId },
    });
    if (updated.count === 0) throw new AppError('not_found', 'No such open report.');
    await recordAudit(tx, actor, {
      action: input.status === 'resolved' ? 'report.resolve' : 'report.dismiss',
      targetType: 'report',
      targetId: reportId,
      reason: input.reason,
    });
  });
  return { ok: true };
}
