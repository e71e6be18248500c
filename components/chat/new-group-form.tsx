'use client';

import { type FormEvent, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { RoomSummary } from '@/lib/schemas';
import { useChatClient, useChatStore } from '../providers/chat-provider';

export function NewGroupForm() {
  const store = useChatStore();
  const client = useChatClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const members = String(form.get('members') ?? '')
      .split(/[\s,]+/)
      .map((handle) => handle.replace(/^@/, '').toLowerCase())
      .filter(Boolean);
    setError(null);
    try {
      const { room } = await apiFetch<{ room: RoomSummary }>('/api/v1/groups', {
        method: 'POST',
        body: JSON.stringify({ name: String(form.get('name') ?? ''), members }),
      });
      await client?.refreshRooms();
      store.getState().openRoom(room.id);
      setOpen(false);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="mx-3 mt-2 rounded border border-slate-300 px-2 py-1 text-sm">
        New group
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label="New group" className="space-y-2 border-b border-slate-200 p-3 text-sm">
      <label className="block">
        Group name
        <input name="name" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
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
        <button type="button" onClick={() => setOpen(false)} className="rounded border border-slate-300 px-2 py-1">
          Cancel
        </button>
      </div>
    </form>
  );
}
