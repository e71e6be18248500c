'use client';

import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '@/lib/api-client';
import type { OutboxItem } from '@/lib/outbox';
import { loadReadingPlace, readingPlaceKey } from '@/lib/reading-place';
import { receiptLabel } from '@/lib/receipts';
import type { ChatMessage, MessageRequest, PublicUser, RoomSummary } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { Composer, MESSAGE_INPUT_ID } from './composer';
import { focusConversationIfFell } from './conversation-focus';
import { ConversationHeader } from './conversation-header';
import { useConversationSight, usePanelCovers } from './conversation-sight';
import { MessageItem, OutboxMessage } from './message-item';
import { MentionablePeople } from './mention-suggestions';
import { MessageList } from './message-list';
import { NewMessageAnnouncer } from './new-message-announcer';
import { RequestBar } from './request-bar';
import { conversationTitle, roomTitle } from './room-title';
import { TypingIndicator } from './typing-indicator';
import { UnsentList } from './unsent-list';
import { useDetailsPanel } from './use-details-panel';
import { focusAtEnd } from '../ui/focus-at-end';

const messageBox = () => document.getElementById(MESSAGE_INPUT_ID) as HTMLTextAreaElement | null;

const NO_MESSAGES: ChatMessage[] = [];
/** A jump loads history in the largest pages the server gives, and this many messages before the target for context. */
const JUMP_PAGE = 200;
const JUMP_CONTEXT = 10;
// Opening on more unread than the newest page holds loads back to the first of them, up to this many
// messages: past it the divider sits on the oldest one held, and "Load earlier" shows the rest.
const UNREAD_LOAD_MAX = 1_000;
/** How long a message held on screen but not in view waits before it is reported delivered (not read). */
const DELIVER_UNSEEN_MS = 500;

/** The open conversation (a room, a message request, or a first message to someone), or a hint. */
export function Conversation() {
  const activeRoomId = useChat((state) => state.activeRoomId);
  const room = useChat((state) => (state.activeRoomId ? state.rooms[state.activeRoomId] : undefined));
  const request = useChat((state) => (state.activeRoomId ? state.requests.find((item) => item.roomId === state.activeRoomId) : undefined));
  const draftPeer = useChat((state) => state.draftPeer);
  const roomsStatus = useChat((state) => state.roomsStatus);
  const me = useChat((state) => state.me.handle);
  const leftRoom = useChat((state) => state.leftRoom);
  const store = useChatStore();
  const meUser = useChat((state) => state.me);
  const outbox = useChat((state) => state.outbox);

  if (!room && !request && !draftPeer) {
    if (activeRoomId && roomsStatus === 'loading') return <ConversationSkeleton />;
    const back = () => store.getState().openRoom(null);
    if (activeRoomId && roomsStatus === 'ready') return <ClosedNotice text="This conversation is not available." onBack={back} />;
    if (leftRoom && !activeRoomId) {
      // Written there (offline, or just before) and not stored: said here, as no view of the group is left.
      const unsent = outbox.filter((item) => item.roomId === leftRoom.id);
      return (
        <ClosedNotice text={`You are no longer in ${roomTitle(leftRoom, meUser)}.`} onBack={back}>
          {unsent.length > 0 && <UnsentList items={unsent} onDiscard={(clientMsgId) => store.getState().settle(clientMsgId)} />}
        </ClosedNotice>
      );
    }
    // Inside the page's main landmark with the list (chat-app.tsx): a second <main> would be one too many.
    return <div className="flex flex-1 items-center justify-center p-6 text-center text-slate-600">Pick a conversation or find someone to talk to.</div>;
  }
  return <ConversationView key={viewKey(me, room, request, draftPeer, activeRoomId)} roomId={activeRoomId} room={room} request={request} draftPeer={draftPeer} />;
}

/**
 * Where a conversation that cannot be shown would be: a group that closed under the user, or a link to one
 * they are not in. Focus that fell with it (the Leave button went) lands here; on a phone, a way back.
 */
function ClosedNotice({ text, onBack, children }: { text: string; onBack: () => void; children?: ReactNode }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) notice.current?.focus();
  }, []);
  return (
    <main className="flex flex-1 items-center justify-center p-6 text-center text-slate-600">
      <div ref={notice} tabIndex={-1} className="outline-none">
        <p role="status">{text}</p>
        {children}
        <button type="button" onClick={onBack} className="mt-3 rounded border border-slate-300 px-3 py-1 md:hidden">
          Back to conversations
        </button>
      </div>
    </main>
  );
}

/**
 * Keyed by conversation: its panels and divider start afresh on every switch (the reading place is kept
 * in lib/reading-place.ts). A direct conversation is keyed by the other person, so the first message
 * creating its room, or accepting its request, does not replace the view (and the composer being typed
 * into) under the user's fingers.
 */
function viewKey(me: string, room: RoomSummary | undefined, request: MessageRequest | undefined, draftPeer: PublicUser | null, roomId: string | null) {
  if (draftPeer) return `with:${draftPeer.handle}`;
  if (request?.from && !request.group) return `with:${request.from.handle}`;
  const peer = room?.kind === 'direct' ? room.members.find((member) => member.handle !== me) : undefined;
  if (peer) return `with:${peer.handle}`;
  return roomId ?? '';
}

type ViewProps = { roomId: string | null; room?: RoomSummary; request?: MessageRequest; draftPeer: PublicUser | null };

function ConversationView({ roomId, room, request, draftPeer }: ViewProps) {
  const store = useChatStore();
  const client = useChatClient();
  const me = useChat((state) => state.me);
  const messages = useChat((state) => (roomId ? state.messagesByRoom[roomId] : undefined)) ?? NO_MESSAGES;
  const outbox = useChat((state) => state.outbox);
  const notice = useChat((state) => state.notice);
  const connected = useChat((state) => state.connected !== false);
  const [history, setHistory] = useState<'loading' | 'ready' | 'error'>(roomId ? 'loading' : 'ready');
  const [olderExists, setOlderExists] = useState(false);
  const [sentTick, setSentTick] = useState(0);
  const myReadSeq = room?.members.find((member) => member.handle === me.handle)?.readSeq ?? 0;
  // Where "New messages" goes: fixed when the conversation opens, before reading moves the cursor.
  const [readSeqAtOpen] = useState(() => (room && room.unread > 0 ? myReadSeq : null));
  // Where this tab's reader left it (read before the landing rewrites it): a reload holds only the newest page.
  const [placeAtOpen] = useState(() => (roomId ? loadReadingPlace(readingPlaceKey(me.handle, roomId)) : null));
  // …and moved when the reader comes back to the tab to messages that arrived while it was hidden.
  const [dividerAfter, setDividerAfter] = useState(readSeqAtOpen);
  const dividerSeq = useMemo(
    () => (dividerAfter === null ? null : (messages.find((message) => message.seq > dividerAfter && message.sender !== me.handle)?.seq ?? null)),
    [messages, dividerAfter, me.handle],
  );

  // Opened by the user where the control they used went with the view (on a phone the list makes way for
  // the conversation): focus would fall to <body>, and a screen reader start again from the top of the page.
  // The message box takes it first where it may (composer.tsx); on a touch screen that would pop the
  // keyboard up, so the heading takes it. Not on a page load (no gesture yet).
  useEffect(() => {
    if (navigator.userActivation?.hasBeenActive) focusConversationIfFell();
  }, []);

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!roomId || !client) return;
    let live = true;
    setHistory('loading');
    client
      .openHistory(roomId)
      .then(async ({ hasMore }) => {
        if (!live) return;
        // Seqs count from 1 without gaps: holding the first (from an earlier visit) leaves nothing older.
        setOlderExists(hasMore && (store.getState().messagesByRoom[roomId]?.[0]?.seq ?? 1) > 1);
        // Unread older than the newest page: hold them too, so the view lands on the first unread, under
        // the divider, with a few read messages above it for context (pages put on top, as for a jump).
        // Without unread, the same for the message the reader left at the top (after a reload).
        const wanted = readSeqAtOpen !== null ? Math.max(1, readSeqAtOpen + 1 - JUMP_CONTEXT) : placeAtOpen?.seq;
        if (hasMore && wanted !== undefined) {
          const held = () => store.getState().messagesByRoom[roomId] ?? [];
          const newestSeq = held().at(-1)?.seq ?? 0;
          // A page that fails to come leaves the view on what it holds ("Load earlier" stays).
          while (live && (held()[0]?.seq ?? 0) > wanted && newestSeq - (held()[0]?.seq ?? 0) < UNREAD_LOAD_MAX && (await loadPageBefore(JUMP_PAGE).catch(() => false)));
        }
        if (live) setHistory('ready');
      })
      .catch((error) => {
        if (!live) return;
        // Offline, a conversation already held (loaded earlier, or kept from the last visit) shows what
        // it holds; the connect's catch-up brings the rest. A refusal from the server is an error.
        const held = store.getState().messagesByRoom[roomId] ?? [];
        setOlderExists((held[0]?.seq ?? 1) > 1);
        setHistory(held.length > 0 && !(error instanceof ApiError) ? 'ready' : 'error');
      });
    return () => {
      live = false;
    };
  }, [roomId, client, attempt]);

  // A load that failed for want of a connection goes again by itself once the connection is back.
  useEffect(() => {
    if (connected && history === 'error') setAttempt((count) => count + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connected]);

  // The list can know of newer messages than the view holds (seen with a request opened before its
  // last message was stored, which then never reached the open view): fetch up to what the list knows.
  const latestSeq = room?.lastSeq ?? request?.lastMessage?.seq ?? 0;
  const heldSeq = useChat((state) => (roomId ? (state.syncedSeq[roomId] ?? 0) : 0));
  useEffect(() => {
    if (roomId && client && history === 'ready' && latestSeq > heldSeq) void client.openHistory(roomId).catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latestSeq, history]);

  // Pages are always put on top of the oldest held message, so what the view holds stays one run
  // without holes (the sync engine's `syncedSeq` and "keep my place" both rely on that).
  async function loadPageBefore(limit: number) {
    if (!roomId || !client) return false;
    const { hasMore } = await client.loadOlder(roomId, limit);
    setOlderExists(hasMore);
    return hasMore;
  }

  async function loadEarlier() {
    await loadPageBefore(100);
  }

  // A jump (search result, mention, reply quote) to a message older than what is held loads through
  // to it, a few messages past it for context, rather than fetching a window around it and leaving a hole.
  // It starts once the newest page is held, without waiting for the catch-up sync after it.
  const jumpTarget = useChat((state) => (state.jumpTarget && state.jumpTarget.roomId === roomId ? state.jumpTarget : null));
  const newestPageHeld = useChat((state) => (roomId ? state.syncedSeq[roomId] !== undefined : false));
  const [focus, setFocus] = useState<{ seq: number } | null>(null);
  const [jumpState, setJumpState] = useState<'idle' | 'loading' | 'error'>('idle');
  useEffect(() => {
    if (!jumpTarget || !newestPageHeld) return;
    let live = true;
    const wanted = Math.max(1, jumpTarget.seq - JUMP_CONTEXT);
    setJumpState('loading');
    (async () => {
      while (live && (store.getState().messagesByRoom[jumpTarget.roomId]?.[0]?.seq ?? 0) > wanted && (await loadPageBefore(JUMP_PAGE)));
    })()
      .then(() => {
        if (!live) return;
        setJumpState('idle');
        setFocus({ seq: jumpTarget.seq });
        store.getState().clearJump();
      })
      .catch(() => {
        if (!live) return;
        setJumpState('error');
        store.getState().clearJump();
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jumpTarget, newestPageHeld]);

  // Reading marks the conversation read up to the newest message the reader has had in view, within what
  // is held without a hole (a message still being fetched is not read yet): one scrolled up to older
  // messages, or landed on the first of many unread, has not read what is below, and its sender must
  // not see it read. Held but not yet in view, a message counts as delivered.
  const shownSeq = useChat((state) => (roomId ? (state.syncedSeq[roomId] ?? 0) : 0));
  const myDeliveredSeq = room?.members.find((member) => member.handle === me.handle)?.deliveredSeq ?? 0;
  const [seenSeq, setSeenSeq] = useState(0);
  const readUpTo = Math.min(shownSeq, seenSeq);
  // On a phone the details panel covers the messages: what comes meanwhile is not read (as in a hidden tab).
  const [details, setDetails] = useDetailsPanel(room?.id);
  const covered = usePanelCovers(details !== null);
  useEffect(() => {
    if (!client || !roomId || readUpTo === 0) return;
    let deliverUnseen: ReturnType<typeof setTimeout> | undefined;
    const markIfVisible = () => {
      if (document.visibilityState !== 'visible') return;
      // Under the panel nothing is read, but what came is delivered (the chat client counts the room as on screen).
      if (!covered && (readUpTo > myReadSeq || ((room?.unread ?? 0) > 0 && readUpTo === shownSeq))) client.markRead(roomId, readUpTo);
      // Not at once: a message landing at the bottom is in view a frame later, and then reported read
      // only (one report, not two).
      clearTimeout(deliverUnseen);
      if (room && shownSeq > Math.max(readUpTo, myDeliveredSeq)) deliverUnseen = setTimeout(() => client.markDelivered(roomId, shownSeq), DELIVER_UNSEEN_MS);
    };
    markIfVisible();
    document.addEventListener('visibilitychange', markIfVisible);
    return () => {
      clearTimeout(deliverUnseen);
      document.removeEventListener('visibilitychange', markIfVisible);
    };
  }, [client, roomId, shownSeq, readUpTo, myReadSeq, myDeliveredSeq, room?.unread, covered]);

  // Back in sight (the tab shown, the panel closed) with messages that came meanwhile: "New messages"
  // shows where they start. With none, it stays where it was. Reads the room as it is now.
  const roomNow = useRef({ lastSeq: 0, unread: 0, myReadSeq });
  roomNow.current = { lastSeq: room?.lastSeq ?? 0, unread: room?.unread ?? 0, myReadSeq };
  const lastSeqOutOfSight = useRef<number | null>(null);
  useEffect(() => {
    // A page opened in the background (a restored tab) was hidden from the start.
    if (document.visibilityState === 'hidden') lastSeqOutOfSight.current = roomNow.current.lastSeq;
  }, []);
  useConversationSight(covered, (shown) => {
    const { lastSeq, unread, myReadSeq: readSeq } = roomNow.current;
    if (!shown) {
      lastSeqOutOfSight.current ??= lastSeq;
      return;
    }
    const from = lastSeqOutOfSight.current;
    lastSeqOutOfSight.current = null;
    if (from !== null && lastSeq > from && unread > 0) setDividerAfter(readSeq);
  });

  const title = conversationTitle(room, request, draftPeer, me) ?? '';
  const waiting = outbox.filter((item) => belongsHere(item, room, roomId, draftPeer?.handle, me.handle));
  const people = useChat((state) => state.people);
  // A direct conversation (or a first message) with someone I blocked: they cannot be written to.
  const peerHandle = draftPeer?.handle ?? (room?.kind === 'direct' ? room.members.find((member) => member.handle !== me.handle)?.handle : undefined);
  const blockedPeer = useChat((state) => (peerHandle && state.blocked?.includes(peerHandle) ? peerHandle : null));
  const peerDeleted = room?.kind === 'direct' && !!room.members.find((member) => member.handle !== me.handle)?.deleted;
  // One function while the names it reads stay the same, so a message row re-renders only when it changes.
  // Keyed by the names themselves: the members list is a new array on every read and delivery cursor
  // move (once per incoming message), and a new function then would re-render every row.
  const namesKey = JSON.stringify([...(request?.from ? [request.from] : []), ...(room?.members ?? [])].map((person) => [person.handle, person.displayName]));
  const nameOf = useMemo(() => {
    // Members come last, so their names win over a requester's.
    const names = new Map<string, string>(JSON.parse(namesKey));
    return (handle: string) => names.get(handle) ?? people[handle]?.displayName ?? handle;
  }, [namesKey, people]);
  // Who an `@` suggests (in the message box and in an editor): the other members, or the person a first message goes to.
  const firstTo = room ? null : draftPeer;
  const mentionable = useMemo(
    () =>
      firstTo
        ? [{ handle: firstTo.handle, displayName: firstTo.displayName }]
        : [...new Map<string, string>(JSON.parse(namesKey))].filter(([handle]) => handle !== me.handle).map(([handle, displayName]) => ({ handle, displayName })),
    [namesKey, me.handle, firstTo],
  );
  // Pictures the same way, apart: a new picture re-renders the rows that show it, not every row's names.
  const avatarsKey = JSON.stringify([...(request?.from ? [request.from] : []), ...(room?.members ?? [])].map((person) => [person.handle, person.avatarUrl ?? null]));
  const avatarOf = useMemo(() => {
    const urls = new Map<string, string | null>(JSON.parse(avatarsKey));
    return (handle: string) => (urls.has(handle) ? urls.get(handle)! : (people[handle]?.avatarUrl ?? null));
  }, [avatarsKey, people]);
  // Someone who has left the group still wrote, quoted or reacted to what is shown: ask for their name
  // rather than show their handle.
  useEffect(() => {
    if (!client || !room) return;
    const members = new Set(room.members.map((member) => member.handle));
    const seen = messages.flatMap((message) => [
      message.sender,
      ...(message.replyTo && !message.replyTo.deleted && !message.replyTo.hidden ? [message.replyTo.sender] : []),
      ...(message.reactions ?? []).flatMap((reaction) => reaction.handles),
    ]);
    const strangers = seen.filter((handle) => handle && !members.has(handle));
    if (strangers.length > 0) void client.namePeople(strangers);
  }, [client, room, messages]);

  return (
    <MentionablePeople.Provider value={mentionable}>
      <main className="relative flex min-w-0 flex-1 flex-col bg-slate-50" aria-label={`Conversation with ${title}`}>
        <ConversationHeader title={title} room={room ?? null} request={request ?? null} draftPeer={draftPeer} details={details} onDetails={setDetails} />
        {/* Keyboard users reach the message box without tabbing through every message's actions menu. */}
        <button
          type="button"
          onClick={() => focusAtEnd(messageBox())}
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-14 focus:z-20 focus:rounded-md focus:bg-surface focus:px-3 focus:py-1 focus:text-sm focus:shadow"
        >
          Skip to the message box
        </button>
        <MessageList
          messages={messages}
          me={me.handle}
          dividerSeq={dividerSeq}
          ready={history === 'ready'}
          placeKey={roomId ? readingPlaceKey(me.handle, roomId) : null}
          sentTick={sentTick}
          focus={focus}
          onLoadEarlier={olderExists && history === 'ready' ? loadEarlier : null}
          onSeen={setSeenSeq}
          readSeq={myReadSeq}
          covered={covered}
          head={
            history === 'loading' && messages.length === 0 ? (
              <MessagesSkeleton />
            ) : history === 'error' ? (
              <li role="alert" className="my-6 text-center text-sm text-red-800">
                {connected ? 'Could not load the messages.' : 'You are offline: the messages load once the connection is back.'}{' '}
                <button type="button" onClick={() => setAttempt(attempt + 1)} className="ml-1 rounded border border-red-300 px-2 py-0.5 text-red-800">
                  Retry
                </button>
              </li>
            ) : null
          }
          renderMessage={(message, first) => {
            const mine = message.sender === me.handle;
            return (
              <MessageItem
                key={message.id}
                message={message}
                mine={mine}
                first={first}
                senderName={nameOf(message.sender)}
                senderAvatar={avatarOf(message.sender)}
                nameOf={nameOf}
                status={mine && room ? receiptLabel(room, message, me.handle) : undefined}
              />
            );
          }}
          tailCount={waiting.length}
          tail={waiting.map((item) => (
            <OutboxMessage
              key={item.clientMsgId}
              item={item}
              connected={connected}
              // Both buttons go with what they did (the message sends again, or leaves): focus must not fall to <body>.
              onRetry={() => {
                store.getState().retry(item.clientMsgId);
                requestAnimationFrame(focusConversationIfFell);
                void client?.flushOutbox();
              }}
              onRemove={() => {
                store.getState().settle(item.clientMsgId);
                requestAnimationFrame(focusConversationIfFell);
              }}
            />
          ))}
        />
        {roomId && <NewMessageAnnouncer roomId={roomId} me={me.handle} nameOf={nameOf} />}
        {room && <TypingIndicator roomId={room.id} nameOf={nameOf} />}
        {jumpState === 'loading' && (
          <p role="status" className="px-4 pb-1 text-xs text-slate-600">
            Finding the message…
          </p>
        )}
        {jumpState === 'error' && (
          <p role="alert" className="px-4 pb-1 text-xs text-red-800">
            Could not load that message.
          </p>
        )}
        {notice && (
          <p role="alert" className="px-4 pb-1 text-xs text-amber-900">
            {notice}
          </p>
        )}
        {request && <RequestBar request={request} />}
        {blockedPeer && <BlockedBar handle={blockedPeer} />}
        {peerDeleted && !blockedPeer && (
          <p role="status" className="border-t border-slate-200 bg-slate-100 px-4 py-2 text-sm">
            This account was deleted: it cannot be messaged.
          </p>
        )}
        <Composer
          conversation={roomId ?? `to:${draftPeer!.handle}`}
          carriedFrom={room?.kind === 'direct' ? `to:${room.members.find((member) => member.handle !== me.handle)?.handle}` : undefined}
          roomId={roomId}
          draftPeer={draftPeer}
          disabled={room?.closed || !!request || !!blockedPeer || peerDeleted}
          placeholder={
            request
              ? 'Accept the request to reply'
              : room?.closed
                ? room.invited?.length
                  ? 'You can write once someone accepts'
                  : 'This group is closed'
                : blockedPeer
                  ? 'Unblock to write'
                  : peerDeleted
                    ? 'This account was deleted'
                    : undefined
          }
          onSent={() => setSentTick((tick) => tick + 1)}
          nameOf={nameOf}
        />
      </main>
    </MentionablePeople.Provider>
  );
}

/** Above the composer of a conversation with someone I blocked: why it is off, and the way back. */
function BlockedBar({ handle }: { handle: string }) {
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  // Unblocked here: the bar goes with its button, and the message box, open by then, takes focus.
  const unblocked = useRef(false);
  useEffect(
    () => () => {
      if (unblocked.current) focusAtEnd(messageBox());
    },
    [],
  );
  async function unblock() {
    setError(null);
    unblocked.current = true;
    try {
      await client?.setBlock(handle, false);
    } catch (failure) {
      unblocked.current = false;
      setError((failure as Error).message);
    }
  }
  return (
    <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 bg-slate-100 px-4 py-2 text-sm">
      <p role="status">You blocked @{handle}: they cannot message you, and you cannot write to them.</p>
      <button type="button" onClick={() => void unblock()} className="rounded border border-slate-400 bg-surface px-3 py-1">
        Unblock
      </button>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}

function MessagesSkeleton() {
  return (
    <li aria-busy="true" className="space-y-3 py-2">
      <span className="sr-only">Loading messages…</span>
      {[48, 64, 36, 56].map((width, index) => (
        <span key={index} aria-hidden="true" className={`block h-9 animate-pulse rounded-2xl bg-slate-200 ${index % 2 ? 'ml-auto' : ''}`} style={{ width: `${width}%` }} />
      ))}
    </li>
  );
}

function ConversationSkeleton() {
  return (
    <main className="flex min-w-0 flex-1 flex-col" aria-busy="true" aria-label="Loading conversation">
      <div className="h-14 animate-pulse border-b border-slate-200 bg-surface" />
      <ol aria-label="Messages" className="flex-1 p-4">
        <MessagesSkeleton />
      </ol>
    </main>
  );
}

// A first message to someone is queued by handle; it belongs to the direct room with them once that exists.
function belongsHere(item: OutboxItem, room: RoomSummary | undefined, roomId: string | null, draftHandle: string | undefined, me: string) {
  if (item.roomId) return item.roomId === roomId;
  if (!room) return item.to === draftHandle;
  return room.kind === 'direct' && room.members.some((member) => member.handle === item.to && member.handle !== me);
}
