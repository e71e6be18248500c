import { signOut } from 'next-auth/react';
import { apiFetch } from './api-client';
import { EDIT_DRAFT_PREFIX } from './drafts';
import { forgetOfflineCopies } from './offline-copy';
import { closeShownNotifications } from './service-worker';

// How a page leaves a session, and how it learns that its session ended: signed out by the user in
// this browser (any tab), or ended from elsewhere (another device, a ban), which the sign-in page explains.

/** Where a session ended from elsewhere lands: the sign-in page says why. */
export const SIGNED_OUT_URL = '/signin?reason=ended';
// Set once the server has ended the session: the browser's other tabs follow to the sign-in page.
const SIGNED_OUT_HERE_KEY = 'relay:signed-out';
// Set while the server is asked: the session's end reaching another tab meanwhile (its socket cut) is this
// sign-out's doing. It moves no tab: the server may not answer, and then the session goes on everywhere.
const SIGNING_OUT_KEY = 'relay:signing-out';
// Set by the first tab that finds the session gone: the others (a settings page has no socket) follow at once.
const SESSION_ENDED_KEY = 'relay:session-ended';
// A session ending this soon after a sign-out in this browser is that sign-out, not another device's doing.
const SAME_SIGN_OUT_MS = 30_000;

let leaving = false;

/**
 * Signs this browser out; its other tabs follow to the sign-in page, told nothing went wrong. Nothing
 * of the account's text stays in the browser: the copies kept for opening offline, the page caches, the
 * drafts, unsent messages, and notifications still on screen. False, with nothing changed, when the server cannot be reached: the
 * session would stay valid on the server, so the page must not pretend it ended.
 */
export async function signOutHere(): Promise<boolean> {
  if (!navigator.onLine) return false;
  leaving = true;
  localStorage.setItem(SIGNING_OUT_KEY, String(Date.now()));
  try {
    await signOut({ redirect: false });
  } catch {
    leaving = false;
    localStorage.removeItem(SIGNING_OUT_KEY);
    return false;
  }
  localStorage.setItem(SIGNED_OUT_HERE_KEY, String(Date.now()));
  await Promise.all([forgetOfflineCopies(), closeShownNotifications()]);
  forgetAccountText();
  window.location.assign('/signin');
  return true;
}

/**
 * Deletes the account (`DELETE /api/v1/me`), then leaves as a sign-out does, taking everything of the
 * account's text from the browser, to the sign-in page saying so. The browser's other tabs follow as from a
 * sign-out here. Throws the server's refusal (a wrong password) with nothing changed.
 */
export async function deleteAccountHere(password: string): Promise<void> {
  leaving = true;
  localStorage.setItem(SIGNING_OUT_KEY, String(Date.now()));
  try {
    await apiFetch('/api/v1/me', { method: 'DELETE', body: JSON.stringify({ password }) });
  } catch (error) {
    leaving = false;
    localStorage.removeItem(SIGNING_OUT_KEY);
    throw error;
  }
  localStorage.setItem(SIGNED_OUT_HERE_KEY, String(Date.now()));
  // The session is ended already; this clears its cookie.
  await signOut({ redirect: false }).catch(() => {});
  await Promise.all([forgetOfflineCopies(), closeShownNotifications()]);
  forgetAccountText();
  window.location.assign('/signin?reason=deleted');
}

/** Drafts and the outbox are kept per account across reloads; a deliberate sign-out takes them too. */
function forgetAccountText() {
  for (const key of Object.keys(localStorage)) if (ACCOUNT_TEXT_PREFIXES.some((prefix) => key.startsWith(prefix))) localStorage.removeItem(key);
  sessionStorage.clear();
}
const ACCOUNT_TEXT_PREFIXES = ['relay:draft:', 'relay:draft-files:', 'relay:draft-reply:', 'relay:outbox:'];

/**
 * The session is gone under this page: to the sign-in page, unless this tab is signing out itself. The
 * first tab to find out tells the browser's others (`tellTabs`), which follow without telling again.
 */
export function sessionEnded(tellTabs = true): void {
  if (leaving) return;
  const signedOutAt = typeof localStorage === 'undefined' ? 0 : Math.max(...[SIGNED_OUT_HERE_KEY, SIGNING_OUT_KEY].map((key) => Number(localStorage.getItem(key) ?? 0)));
  const signedOutHere = Date.now() - signedOutAt < SAME_SIGN_OUT_MS;
  // The copies go at once; the page caches go here or on the sign-in page (components/auth/auth-form.tsx).
  void forgetOfflineCopies().catch(() => {});
  void closeShownNotifications();
  // This tab's own text (an edit being written) goes with a sign-out here; the tab that signed out cannot reach it.
  if (signedOutHere && typeof sessionStorage !== 'undefined') {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(EDIT_DRAFT_PREFIX)) sessionStorage.removeItem(key);
  }
  if (tellTabs && typeof localStorage !== 'undefined') localStorage.setItem(SESSION_ENDED_KEY, String(Date.now()));
  window.location.assign(signedOutHere ? '/signin' : SIGNED_OUT_URL);
}

/** Follows a sign-out in another tab of this browser at once; returns the way to stop. */
export function followSignOuts(): () => void {
  const onStorage = (event: StorageEvent) => {
    if ((event.key === SIGNED_OUT_HERE_KEY || event.key === SESSION_ENDED_KEY) && event.newValue) sessionEnded(false);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
