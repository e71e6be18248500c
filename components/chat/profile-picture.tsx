'use client';

import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { ApiError, apiFetch } from '@/lib/api-client';
import { humanSize } from '@/lib/file-size';
import type { PublicUser } from '@/lib/schemas';
import { useChat, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';
import { focusFell } from './conversation-focus';

/** A refused picture said in words: what was wrong and what to choose instead. */
export function pictureError(failure: unknown): string {
  if (!(failure instanceof ApiError)) return (failure as Error).message;
  if (failure.status === 415) return 'That file is not a picture. Choose a PNG, JPEG, WebP or GIF image.';
  if (failure.status === 413) {
    const maxBytes = Number(failure.details.maxBytes);
    // Over the byte limit; otherwise (too many pixels) the server's own words name the limit.
    return maxBytes ? `That picture is too large. Choose one of at most ${humanSize(maxBytes)}.` : `That picture is too large. ${failure.message}`;
  }
  return failure.message;
}

/**
 * The profile editor's picture: a preview, a file input (uploaded as soon as one is chosen, shown at
 * once from the file itself) and "Remove picture". Everyone sees the change live (user:updated).
 */
export function ProfilePicture() {
  const me = useChat((state) => state.me);
  const store = useChatStore();
  const [pending, setPending] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const input = useRef<HTMLInputElement>(null);

  // The local preview's object URL lives until the upload is answered.
  useEffect(() => () => void (pending && URL.revokeObjectURL(pending)), [pending]);

  // The picture control and Remove are off while asking, which drops the focus of whoever pressed them:
  // it comes back to the picture control once answered, so Escape still closes the editor.
  const asked = useRef(false);
  useEffect(() => {
    if (busy || !asked.current) return;
    asked.current = false;
    if (focusFell()) input.current?.focus();
  }, [busy]);

  async function change(request: () => Promise<{ user: PublicUser }>, done: string) {
    asked.current = true;
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const { user } = await request();
      store.getState().renameUser(user);
      setStatus(done);
    } catch (failure) {
      setError(pictureError(failure));
    } finally {
      setBusy(false);
      setPending(null);
    }
  }

  function onChoose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    // Cleared at once, so choosing the same file again (after an error) is a change too.
    event.currentTarget.value = '';
    if (!file) return;
    setPending(URL.createObjectURL(file));
    const form = new FormData();
    form.append('file', file, file.name);
    void change(() => apiFetch('/api/v1/me/avatar', { method: 'PUT', body: form }), 'Picture saved.');
  }

  // The button goes with the picture: focus then comes back to the picture control (above).
  const onRemove = () => change(() => apiFetch('/api/v1/me/avatar', { method: 'DELETE' }), 'Picture removed.');

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Avatar handle={me.handle} name={me.displayName} url={pending ?? me.avatarUrl} size="lg" />
      <div className="min-w-0 flex-1 space-y-1">
        <label className="block">
          Profile picture
          <input
            ref={input}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={onChoose}
            disabled={busy}
            className="mt-1 block w-full max-w-full text-xs file:mr-2 file:rounded file:border file:border-slate-300 file:bg-surface file:px-2 file:py-1"
          />
        </label>
        {me.avatarUrl && (
          <button type="button" onClick={onRemove} disabled={busy} className="rounded border border-slate-300 px-2 py-1 text-xs">
            Remove picture
          </button>
        )}
        <p role="status" className="text-xs text-slate-600">
          {busy ? (pending ? 'Uploading…' : 'Removing…') : status}
        </p>
        {error && (
          <p role="alert" className="text-red-800">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
