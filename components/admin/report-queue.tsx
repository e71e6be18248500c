'use client';

import { useRef, useState } from 'react';
import { MODERATION_PAGE } from '@/lib/schemas';
import { fullDateTime } from '@/lib/dates';
import type { ChatMessage } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { type Act, send } from '../ui/use-api-list';
import { useModerationList } from './moderation-changes';
import { MoreOfQueue } from './more-of-queue';
import { ReasonField, useReason } from './reason-field';
import { ReviewedFiles } from './reviewed-files';

type Report = {
  id: string;
  reason: string;
  reporter: string | null;
  createdAt: string;
  message: ChatMessage | null;
  room: { id: string; kind: string; name: string | null } | null;
  context: ChatMessage[];
  /** The message's earlier texts, oldest first: what was reported, whatever the sender did since. */
  history: { body: string; replacedAt: string }[];
  /** The sender's account as it is now. */
  senderAccount: { role: string; suspendedUntil: string | null; banned: boolean } | null;
};

const DAY_MS = 24 * 3600 * 1000;

// Plainer than the chat's "Message deleted" / "Message removed": a moderator needs to know who did it.
const deletedNote = (message: ChatMessage) => (message.deletedBy === 'sender' ? 'Deleted by the sender' : 'Removed by a moderator');

/** Open reports, oldest first, each with the conversation around the message; the newest are a "Show more" away. */
export function ReportQueue() {
  const [limit, setLimit] = useState(MODERATION_PAGE);
  const { items: reports, loaded, total, error, act } = useModerationList<Report>(`/api/v1/admin/reports?limit=${limit}`, (body) => body.reports);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, reports);
  return (
    <Panel id="reports" title="Reports" error={error}>
      {loaded && reports.length === 0 && <p className="text-sm text-slate-600">No open reports.</p>}
      <ul ref={list} aria-label="Open reports" className="space-y-4">
        {reports.map((report) => (
          <ReportItem key={report.id} report={report} act={act} />
        ))}
      </ul>
      <MoreOfQueue shown={reports.length} total={total} what="open reports" limit={limit} setLimit={setLimit} />
    </Panel>
  );
}

function ReportItem({ report, act }: { report: Report; act: Act }) {
  const why = useReason();
  const sender = report.message?.sender;
  const closeReport = (status: 'resolved' | 'dismissed') => () => void act(() => send(`/api/v1/admin/reports/${report.id}`, 'PATCH', { status, reason: why.reason }));
  // A suspension is not a verdict on the message: the report stays, saying what was done meanwhile (as
  // the sender's account is now, for every moderator, after a reload too).
  const suspendedUntil = report.senderAccount?.suspendedUntil;
  // Admins cannot be suspended or banned: no buttons that could only be refused.
  const senderIsAdmin = report.senderAccount?.role === 'admin';
  // Nor for someone banned already: the report is closed by deleting the message, resolving or dismissing.
  const senderBanned = report.senderAccount?.banned === true;
  const suspend = why.require((reason) => act(() => send(`/api/v1/admin/users/${sender}/suspend`, 'POST', { reason, durationMs: DAY_MS })));
  return (
    <li className="rounded border border-slate-200 p-3 text-sm [overflow-wrap:anywhere]">
      <p>
        <strong>@{report.reporter}</strong> reported a message by <strong>@{sender}</strong>: “{report.reason}”
      </p>
      <ol aria-label="Context" className="my-2 space-y-1 border-l-2 border-slate-200 pl-2">
        {report.context.map((message) => {
          const reported = message.id === report.message?.id;
          return (
            <li key={message.id} className={reported ? 'font-semibold text-red-800' : 'text-slate-600'}>
              @{message.sender}: {message.deleted ? <em>{deletedNote(message)}</em> : message.body}
              {!message.deleted && message.editedAt && ' (edited)'}
              {reported && !message.deleted && <ReviewedFiles attachments={message.attachments ?? []} />}
              {reported && <EarlierTexts history={report.history} />}
            </li>
          );
        })}
      </ol>
      <ReasonField label="Reason (kept in the audit log; needed to delete or ban)" state={why} />
      <div className="mt-2 flex flex-wrap gap-2">
        {/* Already deleted: nothing left to remove, so the report is closed instead. */}
        {report.message && !report.message.deleted ? (
          <button
            type="button"
            onClick={why.require((reason) => act(() => send(`/api/v1/admin/messages/${report.message?.id}`, 'DELETE', { reason })))}
            className="rounded bg-red-700 px-2 py-1 text-white"
          >
            Delete message
          </button>
        ) : (
          <button type="button" onClick={closeReport('resolved')} className="rounded border border-slate-300 px-2 py-1">
            Resolve
          </button>
        )}
        {!senderIsAdmin && !senderBanned && (
          <>
            <button
              type="button"
              onClick={why.require((reason) => act(() => send(`/api/v1/admin/users/${sender}/ban`, 'POST', { reason })))}
              className="rounded border border-red-300 px-2 py-1 text-red-800"
            >
              Ban @{sender}
            </button>
            <button type="button" onClick={suspend} className="rounded border border-slate-300 px-2 py-1">
              Suspend @{sender} for a day
            </button>
          </>
        )}
        <button type="button" onClick={closeReport('dismissed')} className="rounded border border-slate-300 px-2 py-1">
          Dismiss
        </button>
      </div>
      <p role="status" className="mt-1 text-xs text-slate-700 empty:hidden">
        {senderBanned
          ? `@${sender} is banned.`
          : suspendedUntil
            ? `@${sender} is suspended until ${fullDateTime(new Date(suspendedUntil))}.`
            : senderIsAdmin
              ? `@${sender} is an admin: admins cannot be suspended or banned.`
              : ''}
      </p>
    </li>
  );
}

/** What the message said before each edit or its sender's delete, with when it was replaced. */
function EarlierTexts({ history }: { history: Report['history'] }) {
  if (history.length === 0) return null;
  return (
    <ol aria-label="Earlier texts" className="mt-1 space-y-0.5 pl-3 font-normal">
      {history.map((entry, index) => (
        <li key={index}>
          Earlier text (until <time dateTime={entry.replacedAt}>{fullDateTime(new Date(entry.replacedAt))}</time>): {entry.body}
        </li>
      ))}
    </ol>
  );
}
