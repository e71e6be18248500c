'use client';

import { Fragment, type ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayLabel, GROUP_WITHIN_MS, sameDay } from '@/lib/dates';
import { useToday } from '../ui/use-today';
import { focusConversationIfFell } from './conversation-focus';
import { useConversationSight } from './conversation-sight';
import { loadReadingPlace, type ReadingPlace, saveReadingPlace } from '@/lib/reading-place';
import type { ChatMessage } from '@/lib/schemas';

/** How close to the bottom (px) still counts as "at the bottom": new messages then scroll into view. */
const AT_BOTTOM_PX = 48;
/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 4_000;
/** How often, at most, the reading place is written while scrolling. */
const SAVE_PLACE_MS = 200;

type Props = {
  messages: ChatMessage[];
  me: string;
  /** The first unread message when the conversation was opened: a "New messages" divider goes above it. */
  dividerSeq: number | null;
  /** Ready once the first page is in: the view then lands on the divider, or where the reader was, or at the bottom. */
  ready: boolean;
  /** Where this tab keeps the reader's place in this conversation (lib/reading-place.ts); null for none. */
  placeKey: string | null;
  /** Changes when the user sends: the view follows their own message to the bottom. */
  sentTick: number;
  renderMessage: (message: ChatMessage, first: boolean) => ReactNode;
  /** Rows after the messages (the outbox); their count changing at the bottom follows like a message. */
  tail: ReactNode;
  tailCount: number;
  head: ReactNode;
  /** A message to bring to the middle of the view, highlight briefly and focus (a new object each jump). */
  focus: { seq: number } | null;
  /** Loads an earlier page; the first visible message stays where it is on screen. */
  onLoadEarlier: (() => Promise<void>) | null;
  /** The newest message the reader has had in view (told as it changes): what reading marks read. */
  onSeen: (seq: number) => void;
  /** How far the reader has read (on any device): what came while they were away and is read already is no news. */
  readSeq: number;
  /** A panel covers the messages (the details panel on a phone): out of sight as in a hidden tab. */
  covered: boolean;
};

/**
 * The scrolling message list. It never moves under the reader: a new message scrolls into view only
 * when the reader is already at the bottom, otherwise a "N new messages" button counts them; loading
 * earlier history keeps the message the reader was looking at in place.
 */
export function MessageList({ messages, me, dividerSeq, ready, placeKey, sentTick, focus, renderMessage, tail, tailCount, head, onLoadEarlier, onSeen, readSeq, covered }: Props) {
  // Day labels follow the clock: "Today" becomes "Yesterday" at midnight with the conversation open.
  const today = useToday();
  const scroller = useRef<HTMLDivElement>(null);
  const divider = useRef<HTMLLIElement>(null);
  const atBottom = useRef(true);
  const landed = useRef(false);
  // The reader scrolled the messages the tab held before the history was ready: the first landing then
  // leaves the view where they took it.
  const readerScrolledEarly = useRef(false);
  // Back to a hidden tab where messages came: the view goes to "New messages" once it shows (see hiddenFrom).
  const awaitingDivider = useRef(false);
  const noteReaderScroll = () => {
    if (!landed.current) readerScrolledEarly.current = true;
    // The reader moves the view: nothing moves it for them afterwards.
    awaitingDivider.current = false;
  };
  const anchor = useRef<{ seq: number; top: number } | null>(null);
  // Messages past this seq came while the reader was up the list (null: none). Counted from what is held,
  // so a catch-up that fills in below the newest page (back online after many) is counted too.
  const [unseenAfter, setUnseenAfter] = useState<number | null>(null);
  const unseen = useMemo(
    () => (unseenAfter === null ? 0 : messages.filter((message) => message.seq > unseenAfter && message.sender !== me && message.kind === 'text' && !message.deleted).length),
    [messages, unseenAfter, me],
  );
  // More than a screen above the newest (scrolled or jumped up): a way back down, as every chat app has.
  const [farFromNewest, setFarFromNewest] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [earlierError, setEarlierError] = useState<string | null>(null);
  useEffect(() => setEarlierError(null), [placeKey]);
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const previousLast = useRef(lastSeq);

  // What is in view is measured once a frame at most, after the layout of whatever moved it.
  const seenFrame = useRef<number | null>(null);
  const tellSeenTo = useRef(onSeen);
  tellSeenTo.current = onSeen;
  const tellSeen = useCallback(() => {
    if (seenFrame.current !== null || !landed.current) return;
    seenFrame.current = requestAnimationFrame(() => {
      seenFrame.current = null;
      // Out of sight (a hidden tab, a panel over the messages) nothing is seen, even rows within the view's
      // bounds: they are delivered, and seen once back in sight (told then).
      if (!inSight()) return;
      const seen = scroller.current && newestInView(scroller.current, atBottom.current);
      if (seen) tellSeenTo.current(seen);
    });
  }, []);
  // Forgets the frame it cancels: React may run this and mount the list again (StrictMode does, in
  // development), and a cancelled frame left here would stop every later look at what is in view.
  useEffect(
    () => () => {
      if (seenFrame.current !== null) cancelAnimationFrame(seenFrame.current);
      seenFrame.current = null;
    },
    [],
  );

  const toBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setUnseenAfter(null);
    setFarFromNewest(false);
    tellSeen();
  }, [tellSeen]);

  // The buttons down go once pressed: focus, which they held, to the conversation's heading rather than <body>.
  const jumpToNewest = () => {
    toBottom();
    requestAnimationFrame(focusConversationIfFell);
  };

  /** "New messages" at the top of the view, below the day's label, which stays pinned there and would cover it. */
  function showDivider() {
    const element = scroller.current;
    if (!divider.current || !element) return;
    element.scrollTop = divider.current.offsetTop - element.offsetTop - pinnedLabelHeight(element) - 8;
    atBottom.current = false;
    onScroll();
  }

  // The view's place: on the divider when there is unread, else where this tab's reader left it (if that
  // message is held), else at the bottom.
  function place() {
    const element = scroller.current;
    const saved = placeKey ? loadReadingPlace(placeKey) : null;
    const savedRow = saved && element?.querySelector<HTMLElement>(`li[data-seq="${saved.seq}"]`);
    if (divider.current && element) {
      showDivider();
    } else if (saved && savedRow && element) {
      element.scrollTop += savedRow.getBoundingClientRect().top - element.getBoundingClientRect().top - saved.top;
      onScroll();
    } else toBottom();
  }
  // Messages the tab already holds show while the history comes, placed as the landing will place them
  // (not at their top for a moment).
  useLayoutEffect(() => {
    if (!ready && !landed.current && !readerScrolledEarly.current && messages.length > 0) place();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [messages.length, dividerSeq]);
  // The first landing, once the history is ready; none if the reader has already scrolled.
  useLayoutEffect(() => {
    if (!ready || landed.current) return;
    landed.current = true;
    previousLast.current = lastSeq;
    if (readerScrolledEarly.current) onScroll();
    else place();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready]);

  // The reader's place, written as they scroll (a reload gives no chance to write it on the way out).
  const placeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const writePlace = () => {
    if (placeTimer.current) clearTimeout(placeTimer.current);
    placeTimer.current = null;
    const element = scroller.current;
    if (placeKey && element) saveReadingPlace(placeKey, atBottom.current ? null : placeIn(element));
  };
  // A scroll just before switching away still counts: written while the list is still in the page.
  useLayoutEffect(
    () => () => void (placeTimer.current && writePlace()),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  function keepPlace() {
    if (placeKey && landed.current && !placeTimer.current) placeTimer.current = setTimeout(writePlace, SAVE_PLACE_MS);
  }

  // The newest message when the messages went out of sight with the view at the bottom (see below).
  const hiddenFrom = useRef<number | null>(null);
  // Back in sight after that, with news from others meanwhile: the view goes to "New messages"
  // (conversation.tsx moves it above the first unread as the page shows; another device may have read some
  // meanwhile), what is below it unread until scrolled to. No news (none came, or another device read
  // them): the bottom, as before.
  const latest = useRef({ messages, me, readSeq });
  latest.current = { messages, me, readSeq };
  const inSight = useConversationSight(covered, (shown) => {
    const element = scroller.current;
    if (!shown) awaitingDivider.current = false;
    if (shown) tellSeen();
    if (!shown || hiddenFrom.current === null || !element) return;
    const from = Math.max(hiddenFrom.current, latest.current.readSeq);
    hiddenFrom.current = null;
    if (!latest.current.messages.some((message) => message.seq > from && message.sender !== latest.current.me && message.kind === 'text' && !message.deleted)) return toBottom();
    // The divider as it is (it may stay there), and again where it moves.
    awaitingDivider.current = true;
    showDivider();
  });

  // Newer messages (or outbox rows) at the end: follow them only if the reader was at the bottom, and the
  // messages are in sight. Out of sight (a hidden tab, a panel over them) the view stays put: messages that
  // scrolled past unseen would count as read (reading goes by what is in view) once the reader is back.
  useLayoutEffect(() => {
    if (!landed.current) return;
    const before = previousLast.current;
    const arrived = messages.some((message) => message.seq > before && message.sender !== me && message.kind === 'text');
    previousLast.current = Math.max(previousLast.current, lastSeq);
    if (atBottom.current && !inSight()) {
      atBottom.current = false;
      hiddenFrom.current = before;
    }
    if (atBottom.current) toBottom();
    else if (arrived) setUnseenAfter((after) => after ?? before);
    tellSeen();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSeq, tailCount]);

  useLayoutEffect(() => {
    if (!awaitingDivider.current || !divider.current) return;
    awaitingDivider.current = false;
    showDivider();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dividerSeq]);

  useLayoutEffect(() => {
    if (sentTick > 0) toBottom();
  }, [sentTick, toBottom]);

  // After an earlier page was put on top, move by as much as the anchor message moved.
  const firstSeq = messages[0]?.seq;
  useLayoutEffect(() => {
    const saved = anchor.current;
    const element = scroller.current;
    if (!saved || !element) return;
    anchor.current = null;
    const row = element.querySelector<HTMLElement>(`[data-seq="${saved.seq}"]`);
    if (row) element.scrollTop += row.getBoundingClientRect().top - saved.top;
  }, [firstSeq]);

  // A jump: the message in the middle, highlighted for a moment, and focused so a screen reader reads it.
  // The row is the message item's own; marking it here keeps the item unaware of jumps.
  useLayoutEffect(() => {
    const element = scroller.current;
    const row = focus && element?.querySelector<HTMLElement>(`li[data-seq="${focus.seq}"]`);
    if (!row) return;
    // The jump is where the view lands: the first landing (divider or bottom) must not move it after.
    if (!landed.current) {
      landed.current = true;
      previousLast.current = lastSeq;
    }
    row.scrollIntoView({ block: 'center' });
    onScroll();
    row.tabIndex = -1;
    row.dataset.highlight = 'jump';
    row.focus({ preventScroll: true });
    const timer = setTimeout(() => delete row.dataset.highlight, HIGHLIGHT_MS);
    return () => {
      clearTimeout(timer);
      delete row.dataset.highlight;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    const below = element.scrollHeight - element.scrollTop - element.clientHeight;
    atBottom.current = below < AT_BOTTOM_PX;
    setFarFromNewest(below > element.clientHeight);
    if (atBottom.current) setUnseenAfter(null);
    keepPlace();
    tellSeen();
  }

  async function loadEarlier() {
    const element = scroller.current;
    const first = messages[0];
    if (!onLoadEarlier || !element || !first || loadingEarlier) return;
    const row = element.querySelector<HTMLElement>(`[data-seq="${first.seq}"]`);
    anchor.current = row ? { seq: first.seq, top: row.getBoundingClientRect().top } : null;
    setLoadingEarlier(true);
    setEarlierError(null);
    try {
      await onLoadEarlier();
    } catch (error) {
      setEarlierError(error instanceof Error ? error.message : 'Something went wrong.');
    } finally {
      setLoadingEarlier(false);
    }
  }
  // The button goes once the start is reached: focus, if it was there, to the conversation's heading
  // (in the commit that removes it, whenever React renders it: a frame later was sometimes too soon).
  const earlierButton = useRef<HTMLButtonElement>(null);
  const earlierHadFocus = earlierButton.current !== null && earlierButton.current === document.activeElement;
  useLayoutEffect(() => {
    if (!onLoadEarlier && earlierHadFocus) focusConversationIfFell();
    // Only when the button goes; `earlierHadFocus` is read afresh by every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onLoadEarlier === null]);

  // Keep the bottom in view when the pane changes size (keyboard on phones, window resize) or what it
  // holds grows without a new message (a reaction, an edit, an image loading, a panel opened in a row).
  useEffect(() => {
    const element = scroller.current;
    const content = element?.firstElementChild;
    if (!element || !content || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current && landed.current) element.scrollTop = element.scrollHeight;
      tellSeen();
    });
    observer.observe(element);
    observer.observe(content);
    return () => observer.disconnect();
  }, [tellSeen]);

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        onWheel={noteReaderScroll}
        onTouchMove={noteReaderScroll}
        onPointerDown={(event) => event.target === event.currentTarget && noteReaderScroll()}
        onKeyDown={(event) => SCROLL_KEYS.has(event.key) && noteReaderScroll()}
        className="relative h-full overflow-y-auto overflow-x-hidden px-3 py-2 md:px-4" data-testid="message-scroller">
        {/* Busy until the history has come: a screen reader waits, rather than reading what is about to move. */}
        <ol aria-label="Messages" aria-busy={ready ? undefined : true} className="flex flex-col">
          {onLoadEarlier && (
            <li className="py-2 text-center">
              {/* aria-disabled, not disabled, while loading: a disabled button loses the focus of whoever pressed it. */}
              <button ref={earlierButton} type="button" onClick={() => void loadEarlier()} aria-disabled={loadingEarlier} className="rounded-full border border-slate-300 px-3 py-1 text-xs text-slate-700 hover:bg-slate-100">
                {loadingEarlier ? 'Loading…' : 'Load earlier messages'}
              </button>
              {earlierError && (
                <p role="alert" className="mt-1 text-xs text-red-800">
                  Could not load earlier messages. {earlierError}
                </p>
              )}
            </li>
          )}
          {head}
          {messages.map((message, index) => {
            const previous = messages[index - 1];
            const at = new Date(message.createdAt);
            const newDay = !previous || !sameDay(new Date(previous.createdAt), at);
            const first =
              newDay ||
              message.seq === dividerSeq ||
              previous.sender !== message.sender ||
              previous.kind !== 'text' ||
              at.getTime() - new Date(previous.createdAt).getTime() > GROUP_WITHIN_MS;
            return (
              <Fragment key={message.id}>
                {newDay && (
                  <li data-day-label className="sticky top-0 z-10 my-2 flex justify-center">
                    <span className="rounded-full bg-slate-100 px-3 py-0.5 text-xs font-medium text-slate-700 shadow-sm">{dayLabel(at, new Date(today))}</span>
                  </li>
                )}
                {message.seq === dividerSeq && (
                  <li ref={divider} className="my-2 flex items-center gap-2 text-xs font-semibold text-red-800" data-divider="new">
                    <span className="h-px flex-1 bg-red-300" aria-hidden="true" />
                    New messages
                    <span className="h-px flex-1 bg-red-300" aria-hidden="true" />
                  </li>
                )}
                {renderMessage(message, first)}
              </Fragment>
            );
          })}
          {tail}
        </ol>
      </div>
      {unseen > 0 && (
        <button
          type="button"
          onClick={jumpToNewest}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-700 px-4 py-1.5 text-sm font-medium text-white shadow-lg"
        >
          {unseen} new {unseen === 1 ? 'message' : 'messages'} ↓
        </button>
      )}
      {unseen === 0 && farFromNewest && (
        <button
          type="button"
          onClick={jumpToNewest}
          aria-label="Jump to the newest messages"
          title="Jump to the newest messages"
          className="absolute bottom-3 right-4 flex h-10 w-10 items-center justify-center rounded-full border border-slate-300 bg-surface text-lg text-slate-700 shadow-lg hover:bg-slate-100"
        >
          <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  );
}

const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);

const pinnedLabelHeight = (element: HTMLElement) => element.querySelector('[data-day-label]')?.getBoundingClientRect().height ?? 0;

/** The first message in view below the pinned day label, and how far its top is from the list's top. */
function placeIn(element: HTMLElement): ReadingPlace | null {
  const top = element.getBoundingClientRect().top;
  const visibleFrom = top + pinnedLabelHeight(element);
  for (const row of element.querySelectorAll<HTMLElement>('li[data-seq]')) {
    const rect = row.getBoundingClientRect();
    if (rect.bottom > visibleFrom) return { seq: Number(row.dataset.seq), top: rect.top - top };
  }
  return null;
}

/**
 * The newest message the reader has in view: the last whose bottom shows, or, taller than the view, whose
 * top shows. At the bottom, the last (the last rows may sit just under the edge).
 */
function newestInView(element: HTMLElement, atBottom: boolean): number | null {
  const rows = element.querySelectorAll<HTMLElement>('li[data-seq]');
  if (rows.length === 0) return null;
  if (atBottom) return Number(rows[rows.length - 1].dataset.seq);
  const bottom = element.getBoundingClientRect().bottom;
  // Rows go down the page in order: halving finds the last one wholly above the bottom edge in a few
  // measures, where walking up from the newest measured every row below the view, once a frame.
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle].getBoundingClientRect().bottom <= bottom + 1) low = middle + 1;
    else high = middle;
  }
  // The row across the bottom edge counts when it is taller than the view (its bottom can never show).
  const across = rows[low]?.getBoundingClientRect();
  if (across && across.top < bottom && across.height >= element.clientHeight) return Number(rows[low].dataset.seq);
  return low > 0 ? Number(rows[low - 1].dataset.seq) : null;
}
