import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import { getDb } from '../runtime';
import { addresseePhrase, addresseesOf } from './addressees';
import { requireAdmin } from './require-admin';

type Entry = { id: string; actorId: string; targetType: string; targetId: string };

/** The audit log, newest first. Read-only: nothing in the API or the UI edits it. */
export async function listAudit(actor: Actor) {
  requireAdmin(actor);
  const db = getDb();
  const entries = await db.auditEntry.findMany({ orderBy: { createdAt: 'desc' }, take: 200 });
  const { handleOf, targetOf } = await describeTargets(db, entries);
  return entries.map((entry) => ({
    id: entry.id,
    actor: handleOf.get(entry.actorId) ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    target: targetOf(entry),
    reason: entry.reason,
    details: JSON.parse(entry.details) as Record<string, unknown>,
    createdAt: entry.createdAt.toISOString(),
  }));
}

/**
 * What each entry acted on, in words a moderator reads without looking ids up: "@eve", "a message by
 * @bob in the group "Friends"", "@alice's report of a message by @bob to @carol", "a held message from
 * @x to @y". Read now, from rows that outlive the action (a removed message keeps its row).
 */
async function describeTargets(db: DbClient, entries: Entry[]) {
  const idsOf = (type: string) => entries.filter((entry) => entry.targetType === type).map((entry) => entry.targetId);
  const [reports, held] = await Promise.all([
    db.report.findMany({ where: { id: { in: idsOf('report') } }, select: { id: true, reporterId: true, messageId: true } }),
    db.heldMessage.findMany({ where: { id: { in: idsOf('held') } }, select: { id: true, senderId: true, roomId: true, recipientId: true } }),
  ]);
  const messages = await db.message.findMany({
    where: { id: { in: [...idsOf('message'), ...reports.map((report) => report.messageId)] } },
    select: { id: true, senderId: true, roomId: true, kind: true },
  });
  // A group event ("… renamed the group to …") is nobody's message: said as what it is, not as its actor's.
  const events = new Set(messages.filter((message) => message.kind === 'system').map((message) => message.id));
  const sent = [...messages, ...held];
  const { to, handleOf } = await addresseesOf(db, sent, [...entries.map((entry) => entry.actorId), ...reports.map((report) => report.reporterId)]);
  const sentence = new Map(sent.map((item, index) => [item.id, `@${handleOf.get(item.senderId)} ${addresseePhrase(to[index])}`]));
  const place = new Map(sent.map((item, index) => [item.id, addresseePhrase(to[index])]));
  const reportOf = new Map(reports.map((report) => [report.id, report]));
  const targetOf = (entry: Entry) => {
    const about = (prefix: string, id: string | undefined) => (id && sentence.has(id) ? `${prefix}${sentence.get(id)}` : null);
    const report = reportOf.get(entry.targetId);
    const described =
      entry.targetType === 'user'
        ? `@${entry.targetId}`
        : entry.targetType === 'message'
          ? events.has(entry.targetId)
            ? `a group event ${place.get(entry.targetId)}`
            : about('a message by ', entry.targetId)
          : entry.targetType === 'held'
            ? about('a held message from ', entry.targetId)
            : report && about(`@${handleOf.get(report.reporterId)}'s report of a message by `, report.messageId);
    // Only a row gone since (none is deleted today) leaves the bare id.
    return described ?? `${entry.targetType} ${entry.targetId}`;
  };
  return { handleOf, targetOf };
}
