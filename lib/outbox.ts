import type { AttachmentInfo } from './schemas';

/** A message the user wrote that the server has not acknowledged yet. */
export type OutboxItem = {
  clientMsgId: string;
  /** Exactly one of roomId and to: an existing conversation, or the first message to someone. */
  roomId?: string;
  to?: string;
  /** May be empty when it carries attachments. */
  body: string;
  /** The message it answers (rich messaging): kept so a message written offline still replies. */
  replyToId?: string;
  /** Files already uploaded for it, sent with it; `attachments` describes them while it waits. */
  attachmentIds?: string[];
  attachments?: AttachmentInfo[];
  /** What the reply quotes, shown while it waits. */
  replyQuote?: { sender: string; excerpt: string };
  /** When it was written (ms, fractional): the order messages are sent in, across tabs too. */
  createdAt: number;
  /** When it was last (re)queued: the failure timeout counts from here. */
  queuedAt: number;
  /** 'held': the spam checks passed it to a moderator; it leaves the outbox when released. */
  status: 'pending' | 'failed' | 'held';
  error?: string;
  /** Failed only for want of a connection: sent again, in order, when the connection returns. */
  retryable?: boolean;
};

// Survives reloads and closed tabs: each message has a localStorage key of its own (per signed-in
// user), so tabs writing at the same time never overwrite each other's messages, and the `storage`
// event tells the other tabs about each one.
const prefix = (handle: string) => `relay:outbox:${handle}:`;
const LEGACY_KEY = (handle: string) => `relay:outbox:${handle}`;

export const byWriteOrder = (a: OutboxItem, b: OutboxItem) => a.createdAt - b.createdAt;

/** A write time that also orders two messages written in the same millisecond. */
export const writeTime = () => (typeof performance === 'undefined' ? Date.now() : performance.timeOrigin + performance.now());

export function parseOutboxItem(raw: string | null): OutboxItem | null {
  try {
    const item = JSON.parse(raw ?? 'null');
    if (typeof item?.clientMsgId !== 'string' || typeof item.body !== 'string') return null;
    return { ...item, createdAt: typeof item.createdAt === 'number' ? item.createdAt : Number(item.queuedAt) || 0 };
  } catch {
    return null;
  }
}

/** The clientMsgId a storage key holds for this user, or null for any other key. */
export function outboxKeyOf(handle: string, key: string | null): string | null {
  return key?.startsWith(prefix(handle)) ? key.slice(prefix(handle).length) : null;
}

export function loadOutbox(handle: string): OutboxItem[] {
  if (typeof localStorage === 'undefined') return [];
  adoptLegacyList(handle);
  const items: OutboxItem[] = [];
  for (let index = 0; index < localStorage.length; index += 1) {
    const key = localStorage.key(index);
    if (outboxKeyOf(handle, key) === null) continue;
    const item = parseOutboxItem(localStorage.getItem(key!));
    if (item) items.push(item);
  }
  return items.sort(byWriteOrder);
}

/** Writes what changed between two versions of the outbox: new and changed items, and removals. */
export function saveOutboxChanges(handle: string, previous: OutboxItem[], next: OutboxItem[]): void {
  if (typeof localStorage === 'undefined') return;
  const kept = new Set(next.map((item) => item.clientMsgId));
  for (const item of previous) if (!kept.has(item.clientMsgId)) localStorage.removeItem(prefix(handle) + item.clientMsgId);
  const before = new Map(previous.map((item) => [item.clientMsgId, item]));
  for (const item of next) if (before.get(item.clientMsgId) !== item) localStorage.setItem(prefix(handle) + item.clientMsgId, JSON.stringify(item));
}

// Earlier versions kept the whole outbox in one key; its messages move to keys of their own.
function adoptLegacyList(handle: string) {
  const raw = localStorage.getItem(LEGACY_KEY(handle));
  if (raw === null) return;
  try {
    const items = JSON.parse(raw);
    for (const item of Array.isArray(items) ? items : []) {
      const parsed = parseOutboxItem(JSON.stringify(item));
      if (parsed) localStorage.setItem(prefix(handle) + parsed.clientMsgId, JSON.stringify(parsed));
    }
  } finally {
    localStorage.removeItem(LEGACY_KEY(handle));
  }
}
