'use client';

import { type FormEvent, useState } from 'react';
import { deleteAccountSchema } from '@/lib/schemas';
import { deleteAccountHere } from '@/lib/sign-out';
import { Panel } from '../ui/panel';
import { useHydrated } from '../ui/use-hydrated';

/**
 * Deletes the account for good. The password is the confirmation: asked again, so neither a slip nor
 * someone at an unlocked laptop ends the account.
 */
export function DeleteAccount() {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setError(null);
    const parsed = deleteAccountSchema.safeParse({ password });
    if (!parsed.success) return setError('Enter your password to delete the account.');
    setBusy(true);
    try {
      await deleteAccountHere(parsed.data.password);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  }

  return (
    <Panel id="delete-account" title="Delete account">
      <form onSubmit={onSubmit} className="space-y-3" noValidate>
        <p id="delete-account-terms" className="text-sm text-slate-700">
          This cannot be undone. You leave your groups, every device is signed out, and people you talked with
          see what you wrote under “Deleted account”; nobody can message you or take your @name.
        </p>
        <label className="block text-sm font-medium">
          Password to delete the account
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            aria-describedby="delete-account-terms"
            onChange={(event) => setPassword(event.target.value)}
            className="mt-1 block w-full rounded border border-slate-400 bg-surface px-3 py-2 font-normal"
          />
        </label>
        {error && (
          <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
            {error}
          </p>
        )}
        {/* aria-disabled, not disabled: a disabled button drops the keyboard focus to the page. */}
        <button type="submit" disabled={!hydrated} aria-disabled={busy || undefined} className="rounded bg-red-700 px-3 py-2 font-medium text-white aria-disabled:opacity-60">
          Delete my account
        </button>
      </form>
    </Panel>
  );
}
