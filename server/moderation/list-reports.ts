import type { Actor } from '../auth/authenticate';
import { messageInclude, toChatMessages } from '../messages/chat-message';
import { getDb } from '../runtime';
import { handlesById } from '../users/handles-by-id';
import { earlierTexts } from './earlier-texts';
import { requireAdmin } from './require-admin';

const CONTEXT = 3;

/** The report queue, oldest first, each with the message and a few around it for context. */
export async function listReports(actor: Actor, status: 'open' | 'resolved' | 'dismissed' = 'open') {
  requireAdmin(actor);
  const db = getDb();
  const reports = await db.report.findMany({ where: { status }, orderBy: { createdAt: 'asc' }, take: 100 });
  const handleOf = await handlesById(db, reports.map((report) => report.reporterId));
  return Promise.all(
    reports.map(async (report) => {
      const message = await db.message.findUnique({ where: { id: report.messageId }, include: { ...messageInclude, room: true } });
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
      };
    }),
  );
}
