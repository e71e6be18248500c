'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { problemInWords } from '@/lib/form-problems';
import { type PublicUser, updateProfileSchema } from '@/lib/schemas';
import { useChat, useChatStore } from '../providers/chat-provider';
import { useHydrated } from '../ui/use-hydrated';
import { Avatar } from './avatar';
import { ProfilePicture } from './profile-picture';

/** The server names the field ("displayName: must not be empty"); people read "Display name must not be empty." */
function humanError(message: string) {
  const issue = /^displayName: ([^;]+)/.exec(message)?.[1];
  return issue ? `Display name ${issue.replace(/\.$/, '')}.` : message;
}

/** Shows who you are (handle included) and lets you change your display name and picture. */
export function ProfileEditor() {
  const me = useChat((state) => state.me);
  const store = useChatStore();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const hydrated = useHydrated();

  // Opening puts focus in the field; closing (Save, Cancel, Escape) gives it back to "Edit profile", not <body>.
  useEffect(() => {
    if (editing) field.current?.focus();
    else if (wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  // Renamed in another tab or on another device while open here: a field not yet changed shows the new
  // name, so Save does not silently put the old one back.
  const shownName = useRef(me.displayName);
  useEffect(() => {
    if (field.current?.value === shownName.current) field.current.value = me.displayName;
    shownName.current = me.displayName;
  }, [me.displayName]);

  // The field starts from the current name each time it opens, so closing is enough to restore it.
  function close() {
    setEditing(false);
    setError(null);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get('displayName') ?? '');
    // The server's own rule, said before any round trip (offline too).
    const problem = problemInWords(updateProfileSchema, { displayName }, () => 'Display name');
    if (problem) return setError(problem);
    try {
      const { user } = await apiFetch<{ user: PublicUser }>('/api/v1/me', { method: 'PATCH', body: JSON.stringify({ displayName }) });
      store.getState().renameUser(user);
      close();
    } catch (failure) {
      setError(humanError((failure as Error).message));
    }
  }

  if (!editing) {
    return (
      <div className="flex min-w-0 items-center gap-2">
        <Avatar handle={me.handle} name={me.displayName} url={me.avatarUrl} />
        <div className="min-w-0">
          <p className="truncate font-semibold">{me.displayName}</p>
          <p className="text-xs text-slate-600">
            @{me.handle}{' '}
            {/* At least 24 px tall, for a thumb (WCAG 2.2 target size), though its line is small print. */}
            <button ref={editButton} type="button" disabled={!hydrated} onClick={() => setEditing(true)} className="inline-flex min-h-6 items-center underline">
              Edit profile
            </button>
          </p>
        </div>
      </div>
    );
  }
  return (
    // Escape closes the editor from the picture control too.
    <div onKeyDown={(event) => event.key === 'Escape' && close()} className="space-y-3 text-sm">
      <ProfilePicture />
      <form onSubmit={onSubmit} className="space-y-1">
        <label className="block">
          Display name
          <input
            ref={field}
            name="displayName"
            defaultValue={me.displayName}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'profile-name-error' : undefined}
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1"
          />
        </label>
        {error && (
          <p id="profile-name-error" role="alert" className="text-red-800">
            {error}
          </p>
        )}
        <div className="flex gap-2">
          <button type="submit" className="rounded bg-indigo-700 px-2 py-1 text-white">
            Save
          </button>
          <button type="button" onClick={close} className="rounded border border-slate-300 px-2 py-1">
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
