import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { isUniqueViolation } from '../db/errors';
import { requireMember } from '../rooms/require-member';
import { getDb } from '../runtime';

/** Any member of a conversation can report a message in it, once, with a reason. */
export async function createReport(actor: Actor, input: { messageId: string; reason: string }) {
  const db = getDb();
  const message = await db.message.findUnique({ where: { id: input.messageId }, select: { roomId: true, kind: true } });
  if (!message) throw new AppError('not_found', 'No such message.');
  await requireMember(actor, message.roomId);
  if (message.kind !== 'text') throw new AppError('bad_request', 'Only messages people wrote can be reported.');
  try {
    const report = await db.report.create({ data: { messageId: input.messageId, reporterId: actor.userId, reason: input.reason } });
    return { id: report.id, messageId: report.messageId, reason: report.reason, status: report.status, createdAt: report.createdAt.toISOString() };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', 'You have already reported this message.');
    throw error;
  }
}
