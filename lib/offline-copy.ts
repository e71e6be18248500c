import type { ChatMessage, MessageRequest, RoomSummary } from './schemas';
import type { ChatState } from './stores/chat-store';

// What this browser keeps so the chat opens without a connection (docs/client.md "Offline start"): the
// service worker keeps the page and its scripts (public/sw.js), and the chat keeps a copy of its list and
// of the newest messages of each conversation it loaded, with how far each is synced (`syncedSeq`,
// `syncedVersion`). The catch-up on reconnect starts from there, so it brings exactly what was sent,
// edited, deleted or reacted to meanwhile, as for any reconnect. Kept per user; gone at sign-out.

const KEY_PREFIX = 'relay:offline-copy:';
/** The service worker's caches of signed-in pages (public/sw.js `PAGES`). */
const PAGE_CACHE_PREFIX = 'relay-pages';
/** Per conversation: enough to read back a screen or two; older pages come from the server once online. */
export const OFFLINE_COPY_MESSAGES = 50;
/**
 * How long after a change the copy is written (at once when the page is hidden): receipts and unread
 * counts change the list often, and each write serializes it on the page's thread.
 */
const SAVE_DELAY_MS = 5_000;
/** A bigger copy (huge groups' rosters) is not kept: the outbox and drafts share this origin's storage. */
const COPY_MAX_CHARS = 1_000_000;

export type OfflineCopy = {
  rooms: RoomSummary[];
  requests: MessageRequest[];
  messagesByRoom: Record<string, ChatMessage[]>;
  syncedSeq: Record<string, number>;
  syncedVersion: Record<string, number>;
};

const keyOf = (handle: string) => `${KEY_PREFIX}${handle}`;

/**
 * The state worth keeping: every listed conversation, and of each loaded one the newest messages up to
 * its synced seq (one run without holes, as the store holds them; a copy past a hole is left out).
 */
export function copyOf(state: ChatState): OfflineCopy {
  const messagesByRoom: Record<string, ChatMessage[]> = {};
  const syncedSeq: Record<string, number> = {};
  const syncedVersion: Record<string, number> = {};
  // Only conversations still listed: nothing stays of a group left or removed from.
  const listed = new Set([...Object.keys(state.rooms), ...state.requests.map((request) => request.roomId)]);
  for (const [roomId, synced] of Object.entries(state.syncedSeq)) {
    const version = state.syncedVersion[roomId];
    if (version === undefined || !listed.has(roomId)) continue;
    messagesByRoom[roomId] = (state.messagesByRoom[roomId] ?? []).filter((message) => message.seq <= synced).slice(-OFFLINE_COPY_MESSAGES);
    syncedSeq[roomId] = synced;
    syncedVersion[roomId] = version;
  }
  return { rooms: Object.values(state.rooms), requests: state.requests, messagesByRoom, syncedSeq, syncedVersion };
}

export function loadOfflineCopy(handle: string): OfflineCopy | null {
  try {
    const copy = JSON.parse(localStorage.getItem(keyOf(handle)) ?? 'null') as OfflineCopy | null;
    return copy && Array.isArray(copy.rooms) && Array.isArray(copy.requests) && copy.messagesByRoom && copy.syncedSeq && copy.syncedVersion ? copy : null;
  } catch {
    return null;
  }
}

// Set once this page has forgotten the copies (signing out): it writes none again as it leaves.
let forgotten = false;

/**
 * Writes the copy of `store`'s state a moment after each change to what it keeps, and at once when the
 * page is hidden (a phone may close it then). Only a list that loaded is written. Returns the way to stop.
 */
export function keepOfflineCopy(store: { getState: () => ChatState; subscribe: (listener: (state: ChatState, previous: ChatState) => void) => () => void }) {
  // Outside a browser (the client's unit tests) there is nowhere to keep it.
  if (typeof document === 'undefined' || typeof localStorage === 'undefined') return () => {};
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const state = store.getState();
    if (forgotten || state.roomsStatus !== 'ready') return;
    try {
      const copy = JSON.stringify(copyOf(state));
      if (copy.length > COPY_MAX_CHARS) localStorage.removeItem(keyOf(state.me.handle));
      else localStorage.setItem(keyOf(state.me.handle), copy);
    } catch {
      // Storage full or refused: no copy is better than a partial one.
      localStorage.removeItem(keyOf(state.me.handle));
    }
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const changed = (['rooms', 'requests', 'messagesByRoom', 'syncedSeq', 'syncedVersion'] as const).some((key) => state[key] !== previous[key]);
    if (changed && !timer) timer = setTimeout(save, SAVE_DELAY_MS);
  });
  const onHidden = () => document.visibilityState === 'hidden' && save();
  document.addEventListener('visibilitychange', onHidden);
  window.addEventListener('pagehide', save);
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
    document.removeEventListener('visibilitychange', onHidden);
    window.removeEventListener('pagehide', save);
  };
}

/**
 * Forgets everything this browser kept of anyone's chat: at sign-out, when a session ends, and on the
 * sign-in page (where a session ended while no chat was open lands). The copies go at once; the page
 * caches when the promise settles. This page writes no copy after.
 */
export async function forgetOfflineCopies(): Promise<void> {
  forgotten = true;
  if (typeof localStorage === 'undefined') return;
  for (const key of Object.keys(localStorage)) if (key.startsWith(KEY_PREFIX)) localStorage.removeItem(key);
  if (typeof caches === 'undefined') return;
  const names = await caches.keys().catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith(PAGE_CACHE_PREFIX)).map((name) => caches.delete(name).catch(() => false)));
}
