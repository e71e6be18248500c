'use client';

import { useRef } from 'react';
import { apiFetch } from '@/lib/api-client';
import { timeWithDay } from '@/lib/dates';
import { deviceName } from '@/lib/device-name';
import { signOutHere } from '@/lib/sign-out';
import type { DeviceSessionSummary } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { useApiList } from '../ui/use-api-list';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';

/** The user's signed-in browsers and API tokens; any one can be signed out from here. A new `version` reloads them. */
export function SessionList({ version }: { version: number }) {
  const { items: sessions, error, act } = useApiList<DeviceSessionSummary>('/api/v1/sessions', (body) => body.sessions, version);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, sessions);

  // This device: the header's Sign out (its drafts and copies go, its other tabs follow, nobody is told
  // another device did it); another: ended on the server, which cuts it off.
  const end = (session: DeviceSessionSummary) =>
    act(async () => {
      if (!session.current) return apiFetch(`/api/v1/sessions/${session.id}`, { method: 'DELETE' });
      const offline = !navigator.onLine;
      if (!(await signOutHere())) throw new Error(offline ? 'You are offline: sign out once the connection is back.' : 'The server did not answer: you are still signed in. Try again.');
    });

  return (
    <Panel id="sessions" title="Signed-in sessions" error={error}>
      <ul ref={list} aria-label="Sessions" className="divide-y divide-slate-100">
        {sessions.map((session) => (
          <li key={session.id} className="flex items-center justify-between py-2 text-sm">
            <div>
              <p className="font-medium">
                {describeDevice(session)}
                {session.current && <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">This device</span>}
              </p>
              <p className="text-xs text-slate-600">
                Signed in {timeWithDay(new Date(session.createdAt))} · last seen {timeWithDay(new Date(session.lastSeenAt))}
              </p>
            </div>
            <button
              type="button"
              onClick={() => void end(session)}
              aria-label={`Sign out ${describeDevice(session)}${session.current ? ' (this device)' : ''}`}
              className="rounded border border-slate-300 px-2 py-1"
            >
              Sign out
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function describeDevice(session: DeviceSessionSummary): string {
  if (session.kind === 'api') return `API token${session.userAgent ? ` (${session.userAgent.slice(0, 40)})` : ''}`;
  return deviceName(session.userAgent);
}
