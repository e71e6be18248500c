'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { apiFetch, NoConnectionError } from '@/lib/api-client';
import { fullDateTime, timeOrDate } from '@/lib/dates';
import type { ChatMessage, SearchHighlight } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { useEarlyTyping } from '../ui/use-early-typing';
import { useHydrated } from '../ui/use-hydrated';
import { focusFell } from './conversation-focus';
import { roomTitle } from './room-title';

/** A search result or a mention, as GET /search and GET /mentions give them. */
type Hit = { message: ChatMessage; room: { id: string; kind: 'direct' | 'group'; name: string | null }; highlights?: SearchHighlight[] };
type Panel = { kind: 'search'; query: string; run: number } | { kind: 'mentions'; run: number };

const PAGE = 20;

/**
 * The sidebar's way into old messages: "Search messages" and "Mentions". Either opens a panel in
 * place of the conversation list (`children`); a result opens its conversation on that message
 * (`jumpTo`), and the panel stays until closed (Escape or Close), so the next result is one click away.
 */
export function MessageFinder({ children }: { children: ReactNode }) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [query, setQuery] = useState('');
  const searchbox = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();
  const mentionsButton = useRef<HTMLButtonElement>(null);
  useEarlyTyping(searchbox, setQuery);
  const mentions = useChat((state) => Object.values(state.rooms).reduce((sum, room) => sum + (room.mentions ?? 0), 0));

  // Back to the list, focus where the panel was opened from.
  function close() {
    const opener = panel?.kind === 'mentions' ? mentionsButton.current : searchbox.current;
    setPanel(null);
    opener?.focus();
  }

  return (
    <>
      <div className="space-y-2 border-b border-slate-200 p-3">
        <form
          role="search"
          aria-label="Message search"
          onSubmit={(event) => {
            event.preventDefault();
            if (query.trim()) setPanel({ kind: 'search', query: query.trim(), run: Date.now() });
          }}
        >
          <label className="block text-xs font-medium text-slate-600">
            Search messages
            <input
              ref={searchbox}
              type="search"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape' && panel) {
                  event.preventDefault();
                  close();
                }
              }}
              placeholder="Words in any conversation"
              maxLength={200}
              className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm font-normal"
            />
          </label>
        </form>
        <button
          ref={mentionsButton}
          type="button"
          disabled={!hydrated}
          // A toggle (aria-pressed): pressed again, or Escape on it, closes the view.
          onClick={() => (panel?.kind === 'mentions' ? close() : setPanel({ kind: 'mentions', run: Date.now() }))}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && panel) {
              event.preventDefault();
              close();
            }
          }}
          aria-pressed={panel?.kind === 'mentions'}
          className="flex items-center gap-2 rounded border border-slate-300 px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
        >
          Mentions
          {mentions > 0 && (
            <>
              <span aria-hidden="true" className="rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white">
                {mentions}
              </span>
              <span className="sr-only">({mentions} unread)</span>
            </>
          )}
        </button>
      </div>
      {panel ? <FinderPanel key={`${panel.kind}:${panel.run}`} panel={panel} unreadMentions={mentions} onClose={close} /> : children}
    </>
  );
}

function FinderPanel({ panel, unreadMentions, onClose }: { panel: Panel; unreadMentions: number; onClose: () => void }) {
  const store = useChatStore();
  const [hits, setHits] = useState<Hit[]>([]);
  // Where the next page starts: the search's cursor (its last result may have been edited out of the
  // matches since), the mentions' last id.
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  const [failedForNow, setFailedForNow] = useState(false);
  const connected = useChat((state) => state.connected);
  const live = useRef(true);
  const title = panel.kind === 'search' ? 'Search results' : 'Mentions';

  // Back from a result's conversation on a phone: the panel comes back in its place, and focus, gone with
  // the conversation's controls, goes to the result opened, the next one a step away (as in room-list.tsx).
  const list = useRef<HTMLUListElement>(null);
  const opened = useRef<string | null>(null);
  const nothingOpen = useChat((state) => state.activeRoomId === null && state.draftPeer === null && state.leftRoom === null);
  useEffect(() => {
    if (nothingOpen && opened.current && focusFell()) list.current?.querySelector<HTMLElement>(`[data-hit="${CSS.escape(opened.current)}"]`)?.focus();
  }, [nothingOpen]);

  // "Load more" and "Retry" go while a page loads: focus, if it was on them, goes to the first result the page
  // brought (or to Retry if it failed), never to the page.
  const firstNew = useRef<number | null>(null);
  const retry = useRef<HTMLButtonElement>(null);
  const loadMore = (from: string | null) => {
    firstNew.current = hits.length;
    void load(from ?? undefined);
  };
  useEffect(() => {
    if (status === 'loading' || firstNew.current === null) return;
    const index = firstNew.current;
    firstNew.current = null;
    if (!focusFell()) return;
    const target = status === 'error' ? retry.current : list.current?.querySelectorAll<HTMLElement>('[data-hit]')[index];
    target?.focus();
  }, [status]);

  async function load(from?: string) {
    const url =
      panel.kind === 'search'
        ? `/api/v1/search?q=${encodeURIComponent(panel.query)}&limit=${PAGE}${from ? `&cursor=${encodeURIComponent(from)}` : ''}`
        : `/api/v1/mentions?limit=${PAGE}${from ? `&beforeId=${encodeURIComponent(from)}` : ''}`;
    setStatus('loading');
    try {
      const page = await apiFetch<{ results: Hit[]; hasMore: boolean; nextCursor?: string }>(url);
      if (!live.current) return;
      setHits((shown) => (from ? [...shown, ...page.results] : page.results));
      setNext(page.hasMore ? (page.nextCursor ?? page.results.at(-1)?.message.id ?? null) : null);
      setStatus('ready');
    } catch (failure) {
      if (!live.current) return;
      const offline = failure instanceof NoConnectionError;
      setFailedForNow(offline);
      setError(offline ? 'No connection to the server: this runs again once it is back.' : failure instanceof Error ? failure.message : 'Something went wrong.');
      setStatus('error');
    }
  }

  // A search or page that failed for want of a connection runs again by itself when it is back, as
  // messages and uploads do; a refusal waits for Retry.
  const wasConnected = useRef(connected);
  useEffect(() => {
    const cameBack = connected && !wasConnected.current;
    wasConnected.current = connected;
    if (cameBack && status === 'error' && failedForNow) void load(next ?? undefined);
    // Only the connection coming back says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connected]);

  // A result edited or deleted while shown changes here too: a deleted message's words must not stay on
  // screen (search never returns deleted messages), and an edited one shows its new text. A mention
  // edited out leaves the Mentions view (as it leaves the count).
  const client = useChatClient();
  const mentioned = useChat((state) => (panel.kind === 'mentions' ? state.me.handle : null));
  useEffect(() => {
    const socket = client?.socket;
    if (!socket) return;
    const onUpdated = ({ message }: { message: ChatMessage }) => setHits((shown) => withChange(shown, message, mentioned));
    // Removed by a moderator.
    const onRemoved = ({ messageId }: { messageId: string }) => setHits((shown) => shown.filter((hit) => hit.message.id !== messageId));
    socket.on('message:updated', onUpdated);
    socket.on('message:deleted', onRemoved);
    return () => {
      socket.off('message:updated', onUpdated);
      socket.off('message:deleted', onRemoved);
    };
  }, [client, mentioned]);
  // Who wrote a result, when they are not (or no longer: they left while it is shown) in its conversation:
  // by name, not handle.
  const strangers = useChat((state) =>
    [...new Set(hits.filter((hit) => !state.rooms[hit.room.id]?.members.some((member) => member.handle === hit.message.sender)).map((hit) => hit.message.sender))].join(' '),
  );
  useEffect(() => {
    if (strangers) void client?.namePeople(strangers.split(' '));
  }, [client, strangers]);

  // A mention arriving while the Mentions view is open (its button counts it) shows at the top, newest
  // first as the list is; more new ones than a page start the list again from them.
  const countedMentions = useRef(unreadMentions);
  const shown = useRef(hits);
  shown.current = hits;
  useEffect(() => {
    const rose = unreadMentions > countedMentions.current;
    countedMentions.current = unreadMentions;
    if (!rose || panel.kind !== 'mentions') return;
    apiFetch<{ results: Hit[]; hasMore: boolean }>(`/api/v1/mentions?limit=${PAGE}`).then(
      (page) => {
        if (!live.current) return;
        const known = new Set(shown.current.map((hit) => hit.message.id));
        const fresh = page.results.filter((hit) => !known.has(hit.message.id));
        if (fresh.length === page.results.length && page.hasMore) {
          setHits(page.results);
          setNext(page.results.at(-1)!.message.id);
        } else setHits([...fresh, ...shown.current]);
      },
      // Not shown now: it is there the next time the view opens.
      () => {},
    );
  }, [unreadMentions, panel.kind]);

  useEffect(() => {
    live.current = true;
    void load();
    return () => {
      live.current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section
      aria-labelledby="finder-title"
      className="text-sm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <header className="flex items-center justify-between gap-2 px-3 pt-2">
        <h2 id="finder-title" className="min-w-0 truncate font-semibold text-slate-900">
          {panel.kind === 'search' ? `Results for “${panel.query}”` : 'Messages that mention you'}
        </h2>
        <button type="button" onClick={onClose} className="shrink-0 rounded border border-slate-300 px-2 py-0.5 text-xs text-slate-700">
          Close
        </button>
      </header>
      <ul ref={list} aria-label={title} aria-busy={status === 'loading'} className="py-1">
        {hits.map((hit) => (
          <li key={hit.message.id}>
            <HitButton
              hit={hit}
              onOpen={() => {
                opened.current = hit.message.id;
                store.getState().jumpTo(hit.room.id, hit.message.seq);
              }}
            />
          </li>
        ))}
      </ul>
      {status === 'ready' && hits.length === 0 && (
        <p className="px-3 py-2 text-slate-600">{panel.kind === 'search' ? 'No messages found' : 'Nobody has mentioned you yet'}</p>
      )}
      {status === 'loading' && <p className="px-3 py-2 text-slate-600">{hits.length ? 'Loading more…' : 'Searching…'}</p>}
      {status === 'error' && (
        <p role="alert" className="px-3 py-2 text-red-800">
          {error}{' '}
          <button ref={retry} type="button" onClick={() => loadMore(next)} className="ml-1 rounded border border-red-300 px-2 py-0.5">
            Retry
          </button>
        </p>
      )}
      {status === 'ready' && next && (
        <p className="px-3 py-2">
          <button type="button" onClick={() => loadMore(next)} className="rounded-full border border-slate-300 px-3 py-1 text-xs text-slate-700 hover:bg-slate-100">
            Load more
          </button>
        </p>
      )}
    </section>
  );
}

/**
 * Results after a message changed: a deleted one leaves, and so does one that no longer mentions
 * `mentioned` (the Mentions view's reader); an edited one shows its newer text (marks only if the text is the same).
 */
function withChange(hits: Hit[], message: ChatMessage, mentioned: string | null): Hit[] {
  const shown = hits.find((hit) => hit.message.id === message.id);
  if (!shown || (message.version ?? 0) < (shown.message.version ?? 0)) return hits;
  if (message.deleted || (mentioned && !(message.mentions ?? []).includes(mentioned))) return hits.filter((hit) => hit !== shown);
  const highlights = message.body === shown.message.body ? shown.highlights : [];
  return hits.map((hit) => (hit === shown ? { ...hit, message, highlights } : hit));
}

/** Where and who and when, then the text with the matched words marked. */
function HitButton({ hit, onOpen }: { hit: Hit; onOpen: () => void }) {
  const me = useChat((state) => state.me);
  const formerMember = useChat((state) => state.people[hit.message.sender]?.displayName);
  const room = useChat((state) => state.rooms[hit.room.id]);
  const request = useChat((state) => state.requests.find((item) => item.roomId === hit.room.id));
  const where = room ? roomTitle(room, me) : (hit.room.name ?? request?.from?.displayName ?? 'Conversation');
  const sender =
    hit.message.sender === me.handle
      ? 'You'
      : (room?.members.find((member) => member.handle === hit.message.sender)?.displayName ??
        (request?.from?.handle === hit.message.sender ? request.from.displayName : (formerMember ?? `@${hit.message.sender}`)));
  const at = new Date(hit.message.createdAt);
  return (
    <button type="button" onClick={onOpen} data-hit={hit.message.id} className="block w-full border-b border-slate-100 px-3 py-2 text-left hover:bg-slate-50">
      <span className="flex items-baseline justify-between gap-2">
        <span className="truncate font-medium text-slate-900">{where}</span>
        <time dateTime={at.toISOString()} title={fullDateTime(at)} className="shrink-0 text-xs text-slate-600">
          {timeOrDate(at)}
        </time>
      </span>
      <span className="block text-xs text-slate-600">{sender}</span>
      <span className="line-clamp-3 block text-slate-700 [overflow-wrap:anywhere]">{withMarks(hit.message.body, hit.highlights ?? [])}</span>
    </button>
  );
}

/** The body with each highlighted span (UTF-16 offsets from the server) in a <mark>; bad spans are skipped. */
export function withMarks(body: string, highlights: SearchHighlight[]): ReactNode[] {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    if (start < at || end <= start || end > body.length) continue;
    parts.push(body.slice(at, start), <mark key={start} className="rounded bg-amber-200 px-0.5 text-slate-900">{body.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(body.slice(at));
  return parts;
}
