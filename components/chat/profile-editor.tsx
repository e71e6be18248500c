'use client';

import { type FormEvent, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { PublicUser } from '@/lib/schemas';
import { useChat, useChatStore } from '../providers/chat-provider';

/** Shows who you are (handle included) and lets you change your display name. */
export function ProfileEditor() {
  const me = useChat((state) => state.me);
  const store = useChatStore();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get('displayName') ?? '');
    try {
      const { user } = await apiFetch<{ user: PublicUser }>('/api/v1/me', { method: 'PATCH', body: JSON.stringify({ displayName }) });
      store.getState().renameUser(user);
      setEditing(false);
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (!editing) {
    return (
      <div>
        <p className="font-semibold">{me.displayName}</p>
        <p className="text-xs text-slate-600">
          @{me.handle}{' '}
          <button type="button" onClick={() => setEditing(true)} className="underline">
            Edit profile
          </button>
        </p>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-1 text-sm">
      <label className="block">
        Display name
        <input name="displayName" defaultValue={me.displayName} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
      </label>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
      <button type="submit" className="rounded bg-indigo-700 px-2 py-1 text-white">
        Save
      </button>
    </form>
  );
}
