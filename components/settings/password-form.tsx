'use client';

import { type FormEvent, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { changePasswordSchema } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { useHydrated } from '../ui/use-hydrated';

const FIELD_NAMES: Record<string, string> = { currentPassword: 'Current password', newPassword: 'New password' };

/** Changes the password; the server signs every other device out, this one stays. */
export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setError(null);
    setDone(false);
    // The server's own schema, so a too-short password is named here before any round trip.
    const parsed = changePasswordSchema.safeParse({ currentPassword, newPassword });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return setError(`${FIELD_NAMES[String(issue.path[0])] ?? 'Password'} ${issue.message}.`);
    }
    setBusy(true);
    try {
      await apiFetch('/api/v1/me/password', { method: 'POST', body: JSON.stringify(parsed.data) });
      setCurrentPassword('');
      setNewPassword('');
      setDone(true);
      onChanged();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel id="password" title="Change password">
      <form onSubmit={onSubmit} className="space-y-3" noValidate>
        <PasswordField label="Current password" autoComplete="current-password" value={currentPassword} onChange={setCurrentPassword} />
        <PasswordField label="New password" autoComplete="new-password" value={newPassword} onChange={setNewPassword} />
        {error && (
          <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
            {error}
          </p>
        )}
        {done && (
          <p role="status" className="rounded bg-emerald-50 p-2 text-sm text-emerald-900">
            Password changed. Other devices were signed out.
          </p>
        )}
        {/* aria-disabled, not disabled: a disabled button drops the keyboard focus to the page. */}
        <button type="submit" disabled={!hydrated} aria-disabled={busy || undefined} className="rounded bg-indigo-700 px-3 py-2 font-medium text-white aria-disabled:opacity-60">
          Change password
        </button>
      </form>
    </Panel>
  );
}

function PasswordField({ label, autoComplete, value, onChange }: { label: string; autoComplete: string; value: string; onChange: (value: string) => void }) {
  return (
    <label className="block text-sm font-medium">
      {label}
      <input
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className="mt-1 block w-full rounded border border-slate-400 bg-surface px-3 py-2 font-normal"
      />
    </label>
  );
}
