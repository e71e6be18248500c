'use client';

import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { type FormEvent, useEffect, useState } from 'react';
import { problemsInWords } from '@/lib/form-problems';
import { fullDateTime } from '@/lib/dates';
import { withReturnTo } from '@/lib/return-path';
import { forgetOfflineCopies } from '@/lib/offline-copy';
import { closeShownNotifications } from '@/lib/service-worker';
import { signUpSchema } from '@/lib/schemas';
import { signInErrorText } from '@/lib/sign-in-errors';
import { useHydrated } from '../ui/use-hydrated';

type Mode = 'signin' | 'signup';

const copy = {
  signin: { title: 'Sign in to Relay', submit: 'Sign in', switchText: 'New here?', switchLink: 'Create an account', switchHref: '/signup', self: '/signin' },
  signup: { title: 'Create your Relay account', submit: 'Create account', switchText: 'Have an account?', switchLink: 'Sign in', switchHref: '/signin', self: '/signup' },
};

/**
 * "Suspended until …": next-auth's error is a bare code, so the end is asked of `POST /tokens` with the same
 * credentials (it names it only to the right password). Should the suspension have just ended, that call
 * makes a token nobody holds; the form then says to try again.
 */
async function suspensionText(username: string, password: string) {
  const response = await fetch('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).catch(() => null);
  const until = (await response?.json().catch(() => null))?.error?.suspendedUntil;
  if (typeof until === 'string') return `This account is suspended until ${fullDateTime(new Date(until))}.`;
  return response?.ok ? 'The suspension has just ended: sign in again.' : signInErrorText('Suspended');
}

/** `returnTo`: where to go once signed in (a checked path of this site, lib/return-path.ts); the chat if none. */
export function AuthForm({ mode, notice, returnTo = null }: { mode: Mode; notice?: string; returnTo?: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  const text = copy[mode];
  // No one is signed in here: nothing kept for opening a chat offline, nor a notification of the last
  // account's, may outlive that (docs/client.md).
  useEffect(() => {
    void forgetOfflineCopies().catch(() => {});
    void closeShownNotifications();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Pressed again while asking: once is enough. (Not `disabled`: a disabled button loses the focus, and
    // a keyboard user would be left at the top of the page to hear the answer.)
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const username = String(form.get('username') ?? '');
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signup') await createAccount(username, password, String(form.get('displayName') ?? ''));
      const result = await signIn('credentials', { username, password, redirect: false });
      // The server names why it refused (limited, suspended, banned); a plain miss is CredentialsSignin.
      if (!result) throw new Error(signInErrorText(''));
      if (result.error === 'Suspended') throw new Error(await suspensionText(username, password));
      if (result.error) throw new Error(signInErrorText(result.error));
      // Replace: Back from the chat leaves the app rather than showing this form again.
      window.location.replace(returnTo ?? '/');
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-full items-center justify-center p-4 sm:p-6">
      {/* method="post": should the browser ever submit the form itself (the button is off until the script
          runs, but Enter in a field of an old browser), a GET would put the password in the URL, the history
          and the server's logs. The POST only re-renders this page. */}
      <form method="post" action={withReturnTo(text.self, returnTo)} onSubmit={onSubmit} className="w-full max-w-sm space-y-4 rounded-xl bg-surface p-6 shadow sm:p-8" noValidate>
        <h1 className="text-2xl font-semibold">{text.title}</h1>
        {notice && (
          <p role="status" className="rounded bg-amber-50 p-2 text-sm text-amber-950">
            {notice}
          </p>
        )}
        <Field label="Username" name="username" autoComplete="username" verbatim problem={error} />
        {mode === 'signup' && <Field label="Display name (optional)" name="displayName" autoComplete="nickname" problem={error} />}
        <Field label="Password" name="password" type="password" autoComplete={mode === 'signup' ? 'new-password' : 'current-password'} problem={error} />
        {error && (
          <p id={PROBLEM_ID} role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
            {error}
          </p>
        )}
        <noscript>
          <p className="rounded bg-amber-50 p-2 text-sm text-amber-950">Relay needs JavaScript to sign in: turn it on for this site and reload.</p>
        </noscript>
        {/* Off until the script runs: pressed earlier, the browser would post the form itself, which signs no
            one in and clears what was typed (seen in CI right after a link brought the page). */}
        <button type="submit" disabled={!hydrated} aria-disabled={busy} className="w-full rounded bg-indigo-700 py-2 font-medium text-white aria-disabled:opacity-60">
          {text.submit}
        </button>
        <p className="text-sm text-slate-600">
          {text.switchText}{' '}
          <Link href={withReturnTo(text.switchHref, returnTo)} className="font-medium text-indigo-800 underline">
            {text.switchLink}
          </Link>
        </p>
      </form>
    </main>
  );
}

async function createAccount(typed: string, password: string, displayName: string) {
  // Handles are lower-case and found case-insensitively (sign-in too): "Alice" signs up as alice.
  const username = typed.trim().toLowerCase();
  const input = { username, password, ...(displayName.trim() && { displayName }) };
  // Every wrong field at once, not one per try.
  const problems = problemsInWords(signUpSchema, input, ([field]) => (field === 'password' ? 'Password' : field === 'username' ? 'Username' : 'Display name'));
  if (problems.length > 0) throw new Error(problems.join(' '));
  const response = await fetch('/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? 'Could not create the account.');
  }
}

/** The form's error, which each field points to: the form cannot always tell which field is wrong (a wrong password). */
const PROBLEM_ID = 'auth-problem';

function Field({ label, name, type = 'text', autoComplete, verbatim = false, problem }: { label: string; name: string; type?: string; autoComplete?: string; verbatim?: boolean; problem: string | null }) {
  // A verbatim field is not a sentence: a phone keyboard must not capitalize or "correct" it.
  const typedAsIs = verbatim ? ({ autoCapitalize: 'none', autoCorrect: 'off', spellCheck: false } as const) : {};
  return (
    <label className="block text-sm font-medium">
      {label}
      <input name={name} type={type} autoComplete={autoComplete} {...typedAsIs} aria-describedby={problem ? PROBLEM_ID : undefined} className="mt-1 block w-full rounded border border-slate-400 bg-surface px-3 py-2 font-normal" />
    </label>
  );
}
