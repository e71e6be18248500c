'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { problemInWords } from '@/lib/form-problems';
import { type RoomSummary, renameGroupSchema } from '@/lib/schemas';
import { focusFell } from './conversation-focus';

/** "Rename group" for the owner: a name field that opens in place; closing it puts focus back on the button. */
export function RenameGroupControl({ room, onRenamed }: { room: RoomSummary; onRenamed: () => Promise<void> | undefined }) {
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  // Renamed in another tab or on another device (only the owner renames) while open here: a field not yet
  // changed shows the new name, so Save does not silently put the old one back (as in the profile editor).
  const field = useRef<HTMLInputElement>(null);
  const shownName = useRef(room.name ?? '');
  useEffect(() => {
    if (field.current?.value === shownName.current) field.current.value = room.name ?? '';
    shownName.current = room.name ?? '';
  }, [room.name]);

  // Save is off while asking, which drops the focus of whoever pressed it (or, answered before the browser
  // redraws, leaves it on Save): a refusal puts it in the name field, to change the name and try again.
  const saveButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!saving && error && (focusFell() || document.activeElement === saveButton.current)) field.current?.focus();
  }, [saving, error]);

  function close() {
    setEditing(false);
    setError(null);
    // The button is back only after this render.
    setTimeout(() => openButton.current?.focus(), 0);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The same rules the server applies, so most mistakes are told without a round trip.
    const input = { name: String(new FormData(event.currentTarget).get('name') ?? '') };
    const problem = problemInWords(renameGroupSchema, input, () => 'The name');
    if (problem) return setError(problem);
    setSaving(true);
    setError(null);
    try {
      await apiFetch(`/api/v1/groups/${room.id}`, { method: 'PATCH', body: JSON.stringify(renameGroupSchema.parse(input)) });
      await onRenamed();
      close();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setSaving(false);
    }
  }

  if (!editing) {
    return (
      <button ref={openButton} type="button" onClick={() => setEditing(true)} className="mt-4 self-start rounded border border-slate-300 px-3 py-1">
        Rename group
      </button>
    );
  }
  return (
    <form
      onSubmit={save}
      // Escape cancels the rename only, not the whole panel.
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        close();
      }}
      className="mt-4 flex flex-col gap-2"
    >
      <label className="flex flex-col gap-1">
        <span className="text-xs font-semibold uppercase text-slate-600">Group name</span>
        <input
          ref={field}
          name="name"
          defaultValue={room.name ?? ''}
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'rename-group-error' : undefined}
          className="w-full rounded border border-slate-300 bg-surface px-2 py-1"
        />
      </label>
      <div className="flex gap-2">
        <button ref={saveButton} type="submit" disabled={saving} className="rounded bg-indigo-700 px-3 py-1 text-white disabled:opacity-60">
          Save name
        </button>
        <button type="button" onClick={close} className="rounded border border-slate-300 px-3 py-1">
          Cancel
        </button>
      </div>
      {error && (
        <p id="rename-group-error" role="alert" className="text-red-800">
          {error}
        </p>
      )}
    </form>
  );
}
