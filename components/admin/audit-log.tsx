'use client';

import { fullDateTime } from '@/lib/dates';
import { Panel } from '../ui/panel';
import { useModerationList } from './moderation-changes';

type Entry = {
  id: string;
  actor: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** What was acted on, in words ("a message by @bob in the group "Friends""). */
  target: string;
  reason: string;
  details: Record<string, unknown>;
  createdAt: string;
};

// Evidence such as a removed message's text, shown as plain text.
const describe = (details: Record<string, unknown>) =>
  Object.entries(details ?? {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');

/** Every moderator action, newest first. Read-only: nothing here can change it. */
export function AuditLog() {
  const { items: entries, loaded, error } = useModerationList<Entry>('/api/v1/admin/audit', (body) => body.entries);
  return (
    <Panel id="audit" title="Audit log" error={error}>
      {/* Focusable, so keyboard users can scroll it sideways on a phone (axe: scrollable-region-focusable). */}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Audit log, scrolls sideways">
      {/* Cells padded: on a phone the columns otherwise run into each other. */}
      <table aria-label="Audit log" className="w-full text-left text-sm [&_td]:px-2 [&_td]:py-1 [&_td]:align-top [&_th]:px-2">
        <thead>
          <tr className="text-slate-600">
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Target</th>
            <th>Why</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {loaded && entries.length === 0 && (
            <tr>
              <td colSpan={6} className="text-slate-600">
                No moderator actions yet.
              </td>
            </tr>
          )}
          {entries.map((entry) => (
            <tr key={entry.id} className="border-t border-slate-100">
              <td>
                <time dateTime={entry.createdAt}>{fullDateTime(new Date(entry.createdAt))}</time>
              </td>
              <td>@{entry.actor}</td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
              <td>{entry.reason}</td>
              <td className="whitespace-pre-wrap break-words text-slate-600">{describe(entry.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </Panel>
  );
}
