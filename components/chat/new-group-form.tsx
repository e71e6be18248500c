'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { problemInWords } from '@/lib/form-problems';
import { createGroupSchema, type RoomSummary } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { useHydrated } from '../ui/use-hydrated';

/** What the owner is told about people who were invited rather than added (null when there are none). */
export function invitedNotice(handles: string[]) {
  if (handles.length === 0) return null;
  return `${handles.map((handle) => `@${handle}`).join(', ')} ${handles.length === 1 ? 'was' : 'were'} invited: they join once they accept.`;
}

export function NewGroupForm() {
  const store = useChatStore();
  const client = useChatClient();
  const me = useChat((state) => state.me.handle);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Said about the group just created, while it is the one open and until the invites are answered: not
  // left under the button for later.
  const [notice, setNotice] = useState<{ invited: string[]; roomId: string } | null>(null);
  const stillInvited = useChat((state) => {
    const room = notice && state.activeRoomId === notice.roomId ? state.rooms[notice.roomId] : undefined;
    return (room?.invited ?? []).filter((handle) => notice?.invited.includes(handle)).join(' ');
  });
  const nameField = useRef<HTMLInputElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const hydrated = useHydrated();
  const refocus = useRef(false);

  // Opening puts focus in the name field; Cancel gives it back to "New group", not <body> (creating opens
  // the new group, which takes it).
  useEffect(() => {
    if (open) nameField.current?.focus();
    else if (refocus.current) openButton.current?.focus();
    refocus.current = false;
  }, [open]);

  function cancel() {
    refocus.current = true;
    setOpen(false);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const members = String(form.get('members') ?? '')
      .split(/[\s,]+/)
      .map((handle) => handle.replace(/^@/, '').toLowerCase())
      .filter(Boolean);
    const input = { name: String(form.get('name') ?? ''), members };
    // A group needs someone to talk to: one with only its owner (listed or not) would open closed.
    const problem =
      problemInWords(createGroupSchema, input, ([field, index]) => (field === 'name' ? 'The group name' : typeof index === 'number' ? `"${members[index]}" is not a handle: it` : 'Members:')) ??
      (members.length === 0 ? 'Add at least one member by handle.' : members.every((handle) => handle === me) ? 'Add at least one member by handle: you are in the group already.' : null);
    if (problem) return setError(problem);
    setError(null);
    try {
      const { room } = await apiFetch<{ room: RoomSummary }>('/api/v1/groups', { method: 'POST', body: JSON.stringify(input) });
      // Strangers to the owner are invited, not added (docs/protocol.md): they are not in room.members yet.
      const joined = new Set(room.members.map((member) => member.handle));
      setNotice({ invited: [...new Set(members)].filter((handle) => !joined.has(handle)), roomId: room.id });
      await client?.refreshRooms();
      store.getState().openRoom(room.id);
      setOpen(false);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (!open) {
    return (
      <>
        <button
          ref={openButton}
          type="button"
          disabled={!hydrated}
          onClick={() => {
            setNotice(null);
            setOpen(true);
          }}
          className="mx-3 mt-2 rounded border border-slate-300 px-2 py-1 text-sm"
        >
          New group
        </button>
        <p role="status" className="mx-3 mt-1 text-sm text-slate-700">
          {stillInvited ? invitedNotice(stillInvited.split(' ')) : null}
        </p>
      </>
    );
  }
  return (
    <form
      onSubmit={onSubmit}
      // Escape closes it, as it does the other panels and menus.
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
      aria-label="New group"
      className="space-y-2 border-b border-slate-200 p-3 text-sm"
    >
      <label className="block">
        Group name
        <input ref={nameField} name="name" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
      </label>
      <label className="block">
        Members (handles)
        <input name="members" placeholder="bob, carol" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
      </label>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className="rounded bg-indigo-700 px-2 py-1 text-white">
          Create group
        </button>
        <button type="button" onClick={cancel} className="rounded border border-slate-300 px-2 py-1">
          Cancel
        </button>
      </div>
    </form>
  );
}
