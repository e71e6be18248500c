'use client';

import { useRef, useState } from 'react';
import { fullDateTime } from '@/lib/dates';
import { Panel } from '../ui/panel';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { useEarlyTyping } from '../ui/use-early-typing';
import { send } from '../ui/use-api-list';
import { useModerationList } from './moderation-changes';
import { ReasonField, useReason } from './reason-field';

type AdminUser = { handle: string; displayName: string; role: string; status: string; suspendedUntil: string | null };
type AdminRoom = { id: string; kind: string; name: string | null; members: string[]; lastMessageAt: string };
type UserAction = (handle: string, path: 'suspend' | 'ban' | 'restore', body: object) => Promise<boolean>;

const DAY_MS = 24 * 3600 * 1000;

/** Find people (and suspend, ban or restore them) and rooms. */
export function DirectorySearch() {
  const [query, setQuery] = useState('');
  const field = useRef<HTMLInputElement>(null);
  useEarlyTyping(field, setQuery);
  const users = useModerationList<AdminUser>(`/api/v1/admin/users?q=${encodeURIComponent(query)}`, (body) => body.users);
  const rooms = useModerationList<AdminRoom>(`/api/v1/admin/rooms?q=${encodeURIComponent(query)}`, (body) => body.rooms);
  // A ban or suspension swaps the row's buttons for Restore (and back): focus stays in the row.
  const people = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(people, users.items);
  const userAction: UserAction = (handle, path, body) => users.act(() => send(`/api/v1/admin/users/${handle}/${path}`, 'POST', body));

  return (
    <Panel id="directory" title="People and rooms" error={users.error ?? rooms.error}>
      <label className="block text-sm">
        Search people and rooms
        <input ref={field} value={query} onChange={(event) => setQuery(event.target.value)} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
      </label>
      <ul ref={people} aria-label="People" className="mt-3 divide-y divide-slate-100 text-sm">
        {users.items.map((user) => (
          <PersonRow key={user.handle} user={user} onAction={userAction} />
        ))}
      </ul>
      <Matches list={users} what="people" none={query.trim() ? 'No one matches.' : 'No one yet.'} />
      <ul aria-label="Rooms" className="mt-3 divide-y divide-slate-100 text-sm">
        {rooms.items.map((room) => (
          <li key={room.id} className="py-1">
            {room.kind === 'group' ? `Group “${room.name}”` : 'Direct'}: {room.members.map((handle) => `@${handle}`).join(', ')}
          </li>
        ))}
      </ul>
      <Matches list={rooms} what="rooms" none={query.trim() ? 'No rooms match.' : 'No rooms yet.'} />
    </Panel>
  );
}

/**
 * Under a result list, said to screen readers too: that nothing matched, or that more matched than are
 * listed (the newest 50; a moderator narrows the search to reach the others).
 */
function Matches({ list, what, none }: { list: { loaded: boolean; items: unknown[]; total: number | null }; what: string; none: string }) {
  const shown = list.items.length;
  const text = !list.loaded ? '' : shown === 0 ? none : list.total !== null && list.total > shown ? `Showing ${shown} of ${list.total} ${what}: type more of a name or handle to find the others.` : '';
  return (
    <p role="status" className="mt-1 text-sm text-slate-600">
      {text}
    </p>
  );
}

function PersonRow({ user, onAction }: { user: AdminUser; onAction: UserAction }) {
  const why = useReason();
  return (
    <li className="py-2">
      <span>
        {user.displayName} <span className="text-slate-600">@{user.handle}</span> · {user.role} · <span data-status={user.status}>{user.status}</span>
        {user.status === 'suspended' && user.suspendedUntil && ` until ${fullDateTime(new Date(user.suspendedUntil))}`}
      </span>
      {/* A deleted account has nothing left to suspend, ban or restore. */}
      {user.role !== 'admin' && user.status !== 'deleted' && (
        <div className="mt-1 flex flex-wrap items-end gap-2">
          <div className="grow">
            <ReasonField label={`Reason for @${user.handle}`} state={why} />
          </div>
          {user.status === 'active' ? (
            <>
              <button type="button" onClick={why.require((reason) => onAction(user.handle, 'suspend', { reason, durationMs: DAY_MS }))} className="rounded border border-slate-300 px-2">
                Suspend @{user.handle} for a day
              </button>
              <button type="button" onClick={why.require((reason) => onAction(user.handle, 'ban', { reason }))} className="rounded border border-red-300 px-2 text-red-800">
                Ban @{user.handle}
              </button>
            </>
          ) : (
            <button type="button" onClick={why.require((reason) => onAction(user.handle, 'restore', { reason }))} className="rounded border border-slate-300 px-2">
              Restore @{user.handle}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
