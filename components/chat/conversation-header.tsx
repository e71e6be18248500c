'use client';

import { type FormEvent, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { RoomSummary } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { RoomNotificationControl } from '../notifications/room-notification-control';
import { PresenceDot, presenceText } from './presence-label';

/** Title plus the roster: owners add and remove, anyone leaves; a direct chat grows into a new group. */
export function ConversationHeader({ title, room }: { title: string; room: RoomSummary | null }) {
  const me = useChat((state) => state.me);
  const store = useChatStore();
  const client = useChatClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isGroup = room?.kind === 'group';
  const peer = room && !isGroup ? room.members.find((member) => member.handle !== me.handle) : undefined;
  const peerPresence = useChat((state) => (peer ? state.presence[peer.handle] : undefined));
  const isOwner = isGroup && room.owner === me.handle;

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await client?.refreshRooms();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  async function addPerson(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const handle = String(new FormData(form).get('handle') ?? '').trim().toLowerCase();
    if (!room || !handle) return;
    await run(async () => {
      // In a direct conversation the server starts a new group with all three and returns it.
      const reply = await apiFetch<{ room?: RoomSummary }>(`/api/v1/groups/${room.id}/users`, { method: 'POST', body: JSON.stringify({ handle }) });
      if (reply.room) {
        await client?.refreshRooms();
        store.getState().openRoom(reply.room.id);
      }
      form.reset();
    });
  }

  return (
    <header className="border-b border-slate-200 bg-white p-3">
      <div className="flex items-center justify-between">
        <div>
          <h2 className="font-semibold">{title}</h2>
          {peer && (
            <p className="flex items-center gap-1 text-xs text-slate-500" aria-label="Presence">
              <PresenceDot status={peerPresence} /> {presenceText(peerPresence) ?? ''}
            </p>
          )}
          {isGroup && (
            <p className="text-xs text-slate-500">
              {room.closed ? 'Closed: add someone to reopen it' : `${room.members.length} members`}
            </p>
          )}
        </div>
        {room && <RoomNotificationControl room={room} />}
        {room && (
          <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} className="rounded border border-slate-300 px-2 py-1 text-sm">
            {isGroup ? 'Members' : 'Add person'}
          </button>
        )}
      </div>
      {open && room && (
        <div className="mt-3 space-y-2 text-sm">
          {isGroup && (
            <ul aria-label="Members" className="space-y-1">
              {room.members.map((member) => (
                <li key={member.handle} className="flex items-center justify-between">
                  <span>
                    {member.displayName} <span className="text-slate-500">@{member.handle}</span>
                    {room.owner === member.handle && <span className="ml-1 text-xs text-indigo-700">owner</span>}
                  </span>
                  {isOwner && member.handle !== me.handle && (
                    <button
                      type="button"
                      onClick={() => void run(() => apiFetch(`/api/v1/groups/${room.id}/users/${member.handle}`, { method: 'DELETE' }))}
                      className="text-red-700 underline"
                    >
                      Remove {member.handle}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {(isOwner || !isGroup) && (
            <form onSubmit={addPerson} className="flex gap-2">
              <label className="flex-1">
                <span className="sr-only">Handle to add</span>
                <input name="handle" placeholder="handle to add" className="w-full rounded border border-slate-300 px-2 py-1" />
              </label>
              <button type="submit" className="rounded bg-indigo-600 px-2 py-1 text-white">
                Add
              </button>
            </form>
          )}
          {peer && (
            <button
              type="button"
              onClick={() => void run(() => apiFetch('/api/v1/blocks', { method: 'POST', body: JSON.stringify({ handle: peer.handle }) }))}
              className="ml-3 text-red-700 underline"
            >
              Block @{peer.handle}
            </button>
          )}
          {isGroup && (
            <button
              type="button"
              onClick={() => void run(() => apiFetch(`/api/v1/groups/${room.id}/users/${me.handle}`, { method: 'DELETE' }))}
              className="text-red-700 underline"
            >
              Leave group
            </button>
          )}
          {error && (
            <p role="alert" className="text-red-700">
              {error}
            </p>
          )}
        </div>
      )}
    </header>
  );
}
