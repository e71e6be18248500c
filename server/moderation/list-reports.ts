import type { Actor } from '../auth/authenticate';
import { messageInclude, toChatMessages } from '../messages/chat-message';
import { MODERATION_PAGE } from '@/lib/schemas';
import { getDb } from '../runtime';
import { handlesById } from '../users/handles-by-id';
import { earlierTexts } from './earlier-texts';
import { requireAdmin } from './require-admin';

const CONTEXT = 3;

/**
 * The report queue, oldest first (the first `limit`; `total` counts them all), each with the message and
 * a few around it for context, and its sender's account as it is now (an admin, suspended until when, banned).
 */
export async function listReports(actor: Actor, status: 'open' | 'resolved' | 'dismissed' = 'open', limit = MODERATION_PAGE) {
  requireAdmin(actor);
  const db = getDb();
  const [reports, total] = await Promise.all([
    db.report.findMany({ where: { status }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit }),
    db.report.count({ where: { status } }),
  ]);
  const handleOf = await handlesById(db, reports.map((report) => report.reporterId));
  const now = new Date();
  const items = await Promise.all(
    reports.map(async (report) => {
      const message = await db.message.findUnique({ where: { id: report.messageId }, include: { ...messageInclude, room: true, sender: { select: { handle: true, role: true, suspendedUntil: true, bannedAt: true } } } });
      const context = message
        ? await db.message.findMany({
            where: { roomId: message.roomId, seq: { gte: message.seq - CONTEXT, lte: message.seq + CONTEXT } },
            orderBy: { seq: 'asc' },
            include: messageInclude,
          })
        : [];
      const history = message ? await earlierTexts(db, message.id) : [];
      const [view, ...contextViews] = await toChatMessages(db, actor.userId, [...(message ? [message] : []), ...context]);
      return {
        id: report.id,
        reason: report.reason,
        status: report.status,
        createdAt: report.createdAt.toISOString(),
        reporter: handleOf.get(report.reporterId) ?? null,
        message: message ? view : null,
        room: message ? { id: message.room.id, kind: message.room.kind, name: message.room.name } : null,
        context: message ? contextViews : [],
        history,
        senderAccount: message?.sender
          ? {
              role: message.sender.role,
              suspendedUntil: message.sender.suspendedUntil && message.sender.suspendedUntil > now ? message.sender.suspendedUntil.toISOString() : null,
              // Banned already (for another report): a ban or suspension would only be refused.
              banned: message.sender.bannedAt !== null,
            }
          : null,
      };
    }),
  );
  return { reports: items, total };
}
