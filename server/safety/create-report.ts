import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { isUniqueViolation } from '../db/errors';
import { requireMember } from '../rooms/require-member';
import { getDb } from '../runtime';
import { hasBlocked } from './block-relations';

/**
 * Any member of a conversation can report a message in it, once, with a reason. A deleted message
 * (by a moderator or its sender), or one from someone the reporter blocked, is not theirs to see, as for
 * edits and reactions: `not_found`.
 */
export async function createReport(actor: Actor, input: { messageId: string; reason: string }) {
  const db = getDb();
  const message = await db.message.findUnique({ where: { id: input.messageId }, select: { roomId: true, kind: true, senderId: true } });
  if (!message) throw new AppError('not_found', 'No such message.');
  await requireMember(actor, message.roomId);
  // From someone the reporter blocked: kept from them everywhere else, so not theirs to report either.
  if (message.senderId !== actor.userId && (await hasBlocked(db, actor.userId, message.senderId))) throw new AppError('not_found', 'No such message.');
  if (message.kind !== 'text') throw new AppError('bad_request', 'Only messages people wrote can be reported.');
  try {
    const report = await db.$transaction(async (tx) => {
      // Share-locked while the report is added: a removal racing it either commits first (and is seen
      // here) or waits, and then resolves this report with the others, so none stays open on it.
      const live = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Message" WHERE "id" = ${input.messageId} AND "deletedAt" IS NULL FOR SHARE`;
      if (live.length === 0) throw new AppError('not_found', 'No such message.');
      return tx.report.create({ data: { messageId: input.messageId, reporterId: actor.userId, reason: input.reason } });
    });
    return { id: report.id, messageId: report.messageId, reason: report.reason, status: report.status, createdAt: report.createdAt.toISOString() };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', 'You have already reported this message.');
    throw error;
  }
}
