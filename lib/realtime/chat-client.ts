import type { Socket } from 'socket.io-client';
import { ApiError, apiFetch } from '../api-client';
import { keepOfflineCopy, loadOfflineCopy } from '../offline-copy';
import { type OutboxItem, outboxKeyOf, parseOutboxItem, saveOutboxChanges } from '../outbox';
import { followSignOuts, sessionEnded } from '../sign-out';
import { type ChatMessage, type GroupInvite, type MessageRequest, PRESENCE_QUERY_MAX, type PublicUser, type RoomSummary, USER_LOOKUP_MAX } from '../schemas';
import { type ChatStore, changesMyCounts } from '../stores/chat-store';
import type { ClientToServerEvents, ServerToClientEvents } from './contract';
import { cursorReporter } from './cursor-reporter';

// What a refusal for speed says while the client retries by itself: the user need do nothing.
export const SENDS_WAIT = 'You are sending too fast: your messages wait and go out in a moment.';
export const CHANGE_WAITS = 'You are sending too fast: this goes again in a moment.';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
// How long a refused cursor report waits before it goes again, when the server does not say.
const CURSOR_RETRY_MS = 2_000;
const OFFLINE_NOTICE = 'You are offline: try again once the connection is back.';
/** An edit, delete or reaction refused for speed goes again up to this many times in all, waiting at most this long each time. */
export const CHANGE_TRIES = 3;
const CHANGE_WAIT_MAX_MS = 10_000;
/**
 * The room list is fetched for `room:advanced` of rooms not open at a random moment within this, then at
 * most this often (± a quarter) while the room stays hot. Every member of a hot group gets the same
 * announcements at once: 1,000 members refreshing at once, every second, swamped the node (bench scenario
 * (h)). Spread out and rarer they cost less, though still more than pushing every message at that size.
 */
export const ROOM_LIST_REFRESH_MS = 15_000;
// At most this many conversations are reported delivered from the list at a connect (a socket may send
// `room:delivered` in bursts of 120: docs/protocol.md, "Rate limits").
export const DELIVERED_FROM_LIST_MAX = 50;
/**
 * A message written in another tab (seen through storage) is that tab's to send: this one sends it only if
 * it still waits this long after (that tab was closed, or lost its connection). Both sending it at once
 * stored it once but pushed it to everyone twice, and alerted them twice.
 */
const ANOTHER_TABS_GRACE_MS = 3_000;
/** How often an open details panel asks again for its members' status (a big group's are never pushed). */
export const PRESENCE_POLL_MS = 60_000;
/** How long a "typing" signal shows without being renewed; clients renew every TYPING_RENEW_MS. */
export const TYPING_SHOWN_MS = 6_000;
export const TYPING_RENEW_MS = 3_000;
/** Waits before sending again after an ack timeout or an `unavailable` answer, and before a handshake retry. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 15_000;
const backoff = (attempt: number) => Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 8)) * (0.75 + Math.random() * 0.5);
/** How many times a room list refused as busy is asked for again before its error shows (~15 s in all). */
export const LIST_BUSY_RETRIES = 4;
/** The wait before asking again after `error`: only for a busy node (503), never less than it asked for. */
const busyWait = (error: unknown, attempt: number) =>
  error instanceof ApiError && error.status === 503 ? Math.max(error.retryAfterMs ?? 0, backoff(attempt)) : null;

/**
 * Binds socket events to store actions and keeps delivery exactly-once and in order:
 * on every (re)connect it refreshes the room list, catches up each loaded room from the seq up to
 * which it holds everything (`syncedSeq`, never the newest live message, which may sit past a
 * hole), then sends the outbox in order. Duplicates are dropped by id in the store; a live message
 * past a hole starts a sync for the hole.
 */
export function bindChatClient(store: ChatStore, socket: ChatSocket) {
  const syncing = new Map<string, Promise<void>>();
  let flushing = false;
  // Room-list fetches can overlap (connect, room:updated, a new room); an older answer arriving
  // after a newer one must not roll the list back.
  let refreshesStarted = 0;
  let refreshApplied = 0;
  const inFlight = new Set<string>();
  // When each message another tab wrote was first seen here (ANOTHER_TABS_GRACE_MS).
  const anotherTabs = new Map<string, number>();

  const refreshRooms = async () => {
    const ticket = ++refreshesStarted;
    const [{ rooms }, { requests, invites = [] }] = await Promise.all([
      apiFetch<{ rooms: RoomSummary[] }>('/api/v1/rooms'),
      apiFetch<{ requests: MessageRequest[]; invites?: GroupInvite[] }>('/api/v1/requests'),
    ]);
    if (ticket < refreshApplied) return;
    refreshApplied = ticket;
    // Read further here than the server knows (read offline, the report lost with a reload or a closed
    // page): tell it, or other devices and the senders never learn it. The store keeps the further one.
    const me = store.getState().me.handle;
    const readBy = (room: RoomSummary | undefined) => room?.members.find((member) => member.handle === me)?.readSeq ?? 0;
    for (const room of rooms) {
      const readHere = readBy(store.getState().rooms[room.id]);
      if (readHere > readBy(room) && socket.connected) reportRead(room.id, readHere);
    }
    // Requests first: the open conversation may be a request, which the room list does not hold.
    // Group invites wait for consent like requests, and are listed with them.
    store.getState().setRequests([...requests, ...invites.map(({ name, ...invite }) => ({ ...invite, lastMessage: null, group: name }))]);
    store.getState().setRooms(rooms);
    if (socket.connected) await queryPresence(rooms);
  };

  // Pull the status of our direct partners at every (re)connect; `presence` events keep it current after.
  // A group's members are asked for by its details panel, the one place that shows them (askPresence):
  // the server pushes only through small groups (PRESENCE_PUSH_MAX_MEMBERS).
  const queryPresence = async (rooms: RoomSummary[]) => {
    const me = store.getState().me.handle;
    const partners = rooms.filter((room) => room.kind === 'direct').flatMap((room) => room.members.map((member) => member.handle));
    await askPresence([...new Set(partners)].filter((handle) => handle !== me));
  };

  /** Asks for the status of these people, PRESENCE_QUERY_MAX at a time. */
  const askPresence = async (handles: string[]) => {
    for (let at = 0; at < handles.length && socket.connected; at += PRESENCE_QUERY_MAX) {
      const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:query', { handles: handles.slice(at, at + PRESENCE_QUERY_MAX) }).catch(() => null);
      if (reply?.ok) store.getState().setPresence(reply.statuses);
    }
  };

  // A change to a message not held (older than the loaded pages) is dropped (the store's merge), which is
  // right unless a page of older history holding that message is on its way: the server read it before the
  // change, so its copy is the old one. While such a page loads, changes are kept and applied after it.
  const pagesLoading = new Map<string, { count: number; changes: ChatMessage[]; deleted: string[] }>();
  const applyChanges = (roomId: string, messages: ChatMessage[]) => {
    pagesLoading.get(roomId)?.changes.push(...messages);
    store.getState().updateMessages(roomId, messages);
  };

  /** The page of history before the oldest held message (pages go on top: what is held stays one run). */
  const loadOlder = async (roomId: string, limit: number): Promise<{ hasMore: boolean }> => {
    const oldest = store.getState().messagesByRoom[roomId]?.[0];
    if (!oldest) return { hasMore: false };
    const loading = pagesLoading.get(roomId) ?? { count: 0, changes: [], deleted: [] };
    loading.count += 1;
    pagesLoading.set(roomId, loading);
    try {
      const page = await apiFetch<{ messages: ChatMessage[]; hasMore: boolean }>(`/api/v1/rooms/${roomId}/messages?limit=${limit}&beforeSeq=${oldest.seq}`);
      store.getState().mergeMessages(roomId, page.messages);
      store.getState().updateMessages(roomId, loading.changes);
      for (const messageId of loading.deleted) store.getState().markDeleted(roomId, messageId);
      return { hasMore: page.hasMore };
    } finally {
      loading.count -= 1;
      if (loading.count === 0) pagesLoading.delete(roomId);
    }
  };

  // One sync per room at a time; a later request waits for it and then continues from where it got.
  // Requests made meanwhile share that one follow-up (a burst of `room:advanced` costs one more sync).
  const followUps = new Map<string, Promise<void>>();
  const syncRoom = (roomId: string): Promise<void> => {
    const running = syncing.get(roomId);
    if (running) {
      const next =
        followUps.get(roomId) ??
        running.then(() => {
          followUps.delete(roomId);
          return syncRoom(roomId);
        });
      followUps.set(roomId, next);
      return next;
    }
    const job = (async () => {
      for (;;) {
        const afterSeq = store.getState().syncedSeq[roomId] ?? 0;
        const afterVersion = store.getState().syncedVersion[roomId];
        const reply = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('room:sync', afterVersion === undefined ? { roomId, afterSeq } : { roomId, afterSeq, afterVersion });
        if (!reply.ok) return;
        store.getState().mergeMessages(roomId, reply.messages);
        // Edits, deletes and reactions to what we hold, made while we were away (or whose live push was lost).
        applyChanges(roomId, reply.changes ?? []);
        // Without more pages the reply is complete up to lastSeq (read before the page was), and every
        // change up to its version is applied.
        store.getState().markSynced(roomId, reply.hasMore ? (reply.messages.at(-1)?.seq ?? afterSeq) : reply.lastSeq);
        store.getState().markVersion(roomId, reply.version);
        if (!reply.hasMore) return;
      }
    })()
      .catch(() => {})
      .finally(() => syncing.delete(roomId));
    syncing.set(roomId, job);
    return job;
  };

  // A message from a live event or an ack: held at once; a hole before it is fetched by a sync. One of
  // our own, however it got here (this tab, another tab, a moderator releasing it), leaves the outbox.
  const receive = (message: ChatMessage) => {
    store.getState().receiveMessage(message);
    if (message.sender === store.getState().me.handle) store.getState().settle(message.clientMsgId);
    const synced = store.getState().syncedSeq[message.roomId];
    if (synced !== undefined && synced < message.seq) void syncRoom(message.roomId);
  };

  // The outbox is sent strictly in write order: the oldest pending message blocks the ones after it
  // while it waits out a rate limit, an ack timeout or an `unavailable` answer, so none overtakes it.
  // Only a refusal that retrying cannot fix (bad input, forbidden) marks it failed and moves on.
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  const retryLater = (ms: number) => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void flushOutbox();
    }, ms);
  };

  const sendPayload = (item: OutboxItem) => ({
    ...(item.roomId ? { roomId: item.roomId } : { to: item.to! }),
    clientMsgId: item.clientMsgId,
    body: item.body,
    ...(item.replyToId && { replyToId: item.replyToId }),
    ...(item.attachmentIds?.length && { attachmentIds: item.attachmentIds }),
  });

  // Messages held for review are asked about again on each connect (the same clientMsgId, which the
  // server never stores or queues twice): one a moderator discarded while this page was away is refused
  // and shown as not sent; one still held stays so; one released comes back stored.
  const recheckHeld = async () => {
    for (const item of store.getState().outbox.filter((candidate) => candidate.status === 'held')) {
      const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', sendPayload(item)).catch(() => null);
      if (!reply) return;
      if (reply.ok) receive(reply.message);
      else if (['forbidden', 'not_found', 'bad_request', 'conflict'].includes(reply.error.code)) store.getState().fail(item.clientMsgId, reply.error.message);
    }
  };

  const flushOutbox = async (): Promise<void> => {
    if (flushing) return;
    flushing = true;
    try {
      for (;;) {
        const next = store.getState().outbox.find((item) => item.status === 'pending');
        if (!next || !socket.connected) return;
        // The next in order is another tab's and young: the flush waits for it (order is kept), or for its
        // being sent there.
        const wait = (anotherTabs.get(next.clientMsgId) ?? 0) + ANOTHER_TABS_GRACE_MS - Date.now();
        if (wait > 0) return void setTimeout(() => void flushOutbox(), wait);
        let reply;
        inFlight.add(next.clientMsgId);
        try {
          reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', sendPayload(next));
        } catch {
          // No answer in time: kept pending and sent again with the same clientMsgId (the server keeps one).
          retryLater(backoff(attempt++));
          return;
        } finally {
          inFlight.delete(next.clientMsgId);
        }
        if (reply.ok) {
          attempt = 0;
          store.getState().setNotice(null);
          receive(reply.message);
          // The first message to someone created the conversation: list it (the store shows it in place of
          // its draft, if that was open).
          if (!store.getState().rooms[reply.message.roomId]) await refreshRooms().catch(() => {});
        } else if (reply.error.code === 'rate_limited') {
          // Kept pending and sent again when the bucket allows; the user is told why it waits, and that
          // nothing is asked of them (the server's "Try again in 1 s." would read as "send it again").
          const wait = Number(reply.error.retryAfterMs ?? 1000);
          store.getState().setNotice(SENDS_WAIT);
          await new Promise((resolve) => setTimeout(resolve, wait));
        } else if (reply.error.code === 'unavailable') {
          // The server cannot store it right now (e.g. its database is down): it waits, then goes again.
          store.getState().setNotice('The server is busy: your messages are kept and will be sent shortly.');
          retryLater(backoff(attempt++));
          return;
        } else if (reply.error.code === 'held_for_review') {
          store.getState().hold(next.clientMsgId, reply.error.message);
        } else {
          store.getState().fail(next.clientMsgId, reply.error.message);
        }
      }
    } finally {
      flushing = false;
    }
  };

  // What others wrote while this page was closed or offline reached this device with the list loaded at
  // (re)connect (its preview and count): reported delivered, or its sender would see "Sent" until the
  // conversation was opened. Once per connect, not at every list refresh: a hot room's members who are not
  // looking get `room:advanced`, not its messages, and a report per refresh would be the per-member write
  // that hybrid fan-out exists to avoid. The newest DELIVERED_FROM_LIST_MAX only, well within the socket's
  // report allowance; others are reported as they are opened. The conversation on screen reports its own.
  const reportListDelivered = () => {
    const { rooms, activeRoomId, me } = store.getState();
    const news = Object.values(rooms).filter((room) => {
      const deliveredHere = room.members.find((member) => member.handle === me.handle)?.deliveredSeq ?? 0;
      return room.lastMessage && room.lastMessage.sender !== me.handle && deliveredHere < room.lastSeq;
    });
    const onScreen = (roomId: string) => roomId === activeRoomId && document.visibilityState === 'visible';
    news
      .filter((room) => !onScreen(room.id))
      .sort((a, b) => b.lastMessage!.createdAt.localeCompare(a.lastMessage!.createdAt))
      .slice(0, DELIVERED_FROM_LIST_MAX)
      .forEach((room) => reportDelivered(room.id, room.lastSeq));
  };

  const onConnect = async () => {
    handshakeAttempt = 0;
    store.getState().setConnected(true);
    await Promise.all([loadRooms(), loadBlocks().catch(() => {})]);
    if (socket.connected) reportListDelivered();
    const { syncedSeq, rooms, activeRoomId } = store.getState();
    const loaded = Object.keys(syncedSeq).filter((roomId) => rooms[roomId]);
    // The open conversation, shown offline from what this page held, never got its history: loading it is
    // its catch-up. Until then nothing in it counts as read (what is held may have holes).
    const shownUnloaded = activeRoomId && rooms[activeRoomId] && syncedSeq[activeRoomId] === undefined ? [activeRoomId] : [];
    // Not waited for: a slow history must not hold up the reports and the outbox below.
    for (const roomId of shownUnloaded) void openHistory(roomId).catch(() => {});
    await Promise.all(loaded.map(syncRoom));
    // What was read (or received) while the connection was gone is told now.
    read.resendUnanswered();
    delivered.resendUnanswered();
    // Older versions marked messages failed for want of a connection; they go again, in order.
    store.getState().requeueRetryable();
    await flushOutbox();
    await recheckHeld();
  };

  // Names for handles seen in a conversation but not among its members (a member who left): asked once
  // each while the answer is held; a failed ask (offline) is asked again the next time.
  const askedForNames = new Set<string>();
  const namePeople = async (handles: string[]) => {
    const unknown = [...new Set(handles)].filter((handle) => !askedForNames.has(handle) && !(handle in store.getState().people));
    for (let from = 0; from < unknown.length; from += USER_LOOKUP_MAX) {
      const batch = unknown.slice(from, from + USER_LOOKUP_MAX);
      batch.forEach((handle) => askedForNames.add(handle));
      try {
        const { users } = await apiFetch<{ users: PublicUser[] }>(`/api/v1/users?handles=${batch.map(encodeURIComponent).join(',')}`);
        store.getState().knowPeople(users);
      } catch {
        batch.forEach((handle) => askedForNames.delete(handle));
      }
    }
  };

  /**
   * Shows a conversation: its newest page of history, then a sync from there to close any hole. One load per
   * room at a time: the view and a reconnect can both ask for it (onConnect).
   */
  const historyLoads = new Map<string, Promise<{ hasMore: boolean }>>();
  const openHistory = (roomId: string) => {
    const running = historyLoads.get(roomId);
    if (running) return running;
    const load = loadHistory(roomId).finally(() => historyLoads.delete(roomId));
    historyLoads.set(roomId, load);
    return load;
  };
  const loadHistory = async (roomId: string) => {
    // A room seen for the first time: its copies are current at least as of the list's version (read
    // before the page), so the first sync brings any change made since.
    if (store.getState().syncedVersion[roomId] === undefined) store.getState().markVersion(roomId, store.getState().rooms[roomId]?.version ?? 0);
    const page = await apiFetch<{ messages: ChatMessage[]; hasMore: boolean }>(`/api/v1/rooms/${roomId}/messages?limit=100`);
    store.getState().mergeMessages(roomId, page.messages);
    if (store.getState().syncedSeq[roomId] === undefined) store.getState().markSynced(roomId, page.messages.at(-1)?.seq ?? 0);
    if (socket.connected) await syncRoom(roomId);
    return { hasMore: page.hasMore };
  };

  /** Fetches again every message of the run this tab holds of a room (syncs and pages only add newer or older ones). */
  const refetchHeld = async (roomId: string) => {
    const held = () => store.getState().messagesByRoom[roomId] ?? [];
    const upTo = held().at(-1)?.seq ?? 0;
    for (let after = (held()[0]?.seq ?? 1) - 1; after < upTo; ) {
      const page = await apiFetch<{ messages: ChatMessage[]; hasMore: boolean }>(`/api/v1/rooms/${roomId}/messages?limit=200&afterSeq=${after}&beforeSeq=${upTo + 1}`);
      store.getState().mergeMessages(roomId, page.messages);
      const last = page.messages.at(-1)?.seq;
      if (!last || !page.hasMore) return;
      after = last;
    }
  };

  // Only `unauthorized` means signed out. Any other refusal of the handshake (`unavailable` while the
  // server's database is down) is retried with backoff: Socket.io does not retry a refused handshake
  // by itself (`socket.active` is false then), while it does retry transport errors.
  let handshakeAttempt = 0;
  let handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  socket.on('connect', () => {
    // What was refused for want of a connection can be tried again now: the notice saying so goes.
    if (store.getState().notice === OFFLINE_NOTICE) store.getState().setNotice(null);
    void onConnect().catch(() => {});
  });
  socket.on('disconnect', () => store.getState().setConnected(false));
  socket.on('connect_error', (error) => {
    store.getState().setConnected(false);
    if (error.message === 'unauthorized') return sessionEnded();
    if (socket.active || handshakeTimer) return;
    handshakeTimer = setTimeout(() => {
      handshakeTimer = null;
      if (!socket.connected) socket.connect();
    }, backoff(handshakeAttempt++));
  });
  // The browser knows at once when the network goes; the socket would only notice at its next missed
  // ping (tens of seconds). Closing the transport shows "offline" now and starts reconnecting.
  const onOffline = () => {
    store.getState().setConnected(false);
    socket.io.engine?.close();
  };
  // Back online, any attempt on its way or backoff under way is cut and one starts now. An attempt begun
  // before the network went would hang: engine.io closes it on `offline` without the Manager hearing of
  // it, which then waits out its 20 s `timeout` (`socket.active` all along); the backoff waits up to 5 s.
  const onOnline = () => {
    if (!socket.connected) socket.disconnect().connect();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  const stopFollowingSignOuts = followSignOuts();
  // One report in flight per room and cursor: a burst of messages costs a couple of reports, not one each.
  // A report refused for now (this socket sent too many, or the server cannot store it) goes again later,
  // else the server would never learn it: the reader's other devices would keep it unread.
  const reportCursor = (event: 'room:delivered' | 'room:read') => async (roomId: string, seq: number) => {
    const reply = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(event, { roomId, seq })
      .catch((error: unknown) => {
        // No answer though still connected (the server waiting on its database): no reconnect will send it again.
        if (socket.connected) return null;
        throw error;
      });
    if (!reply) return { retryAfterMs: CURSOR_RETRY_MS };
    if (!reply.ok && (reply.error.code === 'rate_limited' || reply.error.code === 'unavailable')) return { retryAfterMs: Number(reply.error.retryAfterMs ?? CURSOR_RETRY_MS) };
  };
  const delivered = cursorReporter(reportCursor('room:delivered'));
  const read = cursorReporter(reportCursor('room:read'));
  const reportDelivered = delivered.report;
  const reportRead = read.report;
  socket.on('message:new', ({ message }) => {
    const state = store.getState();
    receive(message);
    if (!state.rooms[message.roomId]) void refreshRooms().catch(() => {});
    // A message that lands in the conversation on screen is reported by it (conversation.tsx): read once
    // in view, which implies delivery (one report and one receipt for it, not two of each), else delivered.
    const onScreen = message.roomId === state.activeRoomId && document.visibilityState === 'visible';
    if (message.sender !== state.me.handle && !onScreen) reportDelivered(message.roomId, message.seq);
  });
  // A newer seq than we hold: from the room heartbeat (a live push was lost: Redis restarted, a node
  // died between commit and push) or from hybrid fan-out (a hot room's messages go live only to the
  // tabs showing it). The open room catches up now; any other catches up when opened, as opening always
  // syncs (openHistory): pulling on every advance of a busy room nobody looks at would cost more than the
  // pushes it replaces. The list (previews, unread counts, order) is refreshed within ROOM_LIST_REFRESH_MS.
  const refreshRoomsSoon = throttled(
    { first: () => Math.random() * ROOM_LIST_REFRESH_MS, then: () => ROOM_LIST_REFRESH_MS * (0.75 + Math.random() / 2) },
    () => void refreshRooms().catch(() => {}),
  );
  socket.on('room:advanced', ({ roomId, lastSeq }) => {
    const state = store.getState();
    const synced = state.syncedSeq[roomId];
    if (roomId === state.activeRoomId && synced !== undefined && synced < lastSeq) void syncRoom(roomId);
    const listed = state.rooms[roomId]?.lastSeq ?? state.requests.find((request) => request.roomId === roomId)?.lastMessage?.seq ?? 0;
    if (Math.max(listed, synced ?? 0) < lastSeq) refreshRoomsSoon.run();
  });
  socket.on('unread', ({ roomId, count, readSeq, mentions }) => store.getState().setUnread(roomId, count, readSeq, mentions));
  socket.on('receipt', (receipt) => store.getState().applyReceipt(receipt));
  socket.on('room:updated', () => void refreshRooms().catch(() => {}));
  socket.on('user:updated', (user) => store.getState().renameUser(user));
  // Blocked or unblocked in another tab or on another device: the composer follows, and a request from them is gone.
  socket.on('blocks:updated', ({ handle, blocked }) => {
    store.getState().markBlocked(handle, blocked);
    // No presence passes across a block: not known while it stands, asked for again once it is lifted.
    if (blocked) {
      store.getState().setPresence([{ handle, status: 'offline', lastSeenAt: null }]);
      return void refreshRooms().catch(() => {});
    }
    void askPresence([handle]);
    // What they wrote while blocked was left out of what this tab holds of the rooms shared with them:
    // fetched again, as a reload would show it, and counted (the list's unread). A room loaded while it
    // showed nothing at all (a direct one where only they wrote) gets its newest page.
    const { rooms, messagesByRoom, syncedSeq } = store.getState();
    const shared = Object.values(rooms).filter((room) => syncedSeq[room.id] !== undefined && room.members.some((member) => member.handle === handle));
    void Promise.all(shared.map((room) => (messagesByRoom[room.id]?.length ? refetchHeld(room.id) : openHistory(room.id))))
      .then(refreshRooms)
      .catch(() => {});
  });
  socket.on('presence', (status) => store.getState().setPresence([status]));
  socket.on('message:updated', ({ message }) => {
    const countsChange = changesMyCounts(store.getState(), message);
    applyChanges(message.roomId, [message]);
    // The server's counts, as after a moderator's removal (rare: most changes are reactions).
    if (countsChange) void refreshRooms().catch(() => {});
  });
  socket.on('message:discarded', ({ clientMsgId }) => {
    if (store.getState().outbox.some((item) => item.clientMsgId === clientMsgId && item.status === 'held')) {
      store.getState().fail(clientMsgId, 'Not sent: a moderator removed this message.');
    }
  });
  socket.on('message:deleted', ({ roomId, messageId }) => {
    pagesLoading.get(roomId)?.deleted.push(messageId);
    store.getState().markDeleted(roomId, messageId);
    // A removed message no longer counts as unread, and the list's preview moves to the one before.
    void refreshRooms().catch(() => {});
  });
  socket.on('typing', ({ roomId, handle, typing }) =>
    store.getState().setTyping(roomId, handle, typing ? Date.now() + TYPING_SHOWN_MS : null),
  );
  socket.on('disconnect', (reason) => {
    // The server cut this session (signed out elsewhere, or banned): back to the sign-in page.
    if (reason === 'io server disconnect') sessionEnded();
  });

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.outbox !== previous.outbox) saveOutboxChanges(state.me.handle, previous.outbox, state.outbox);
  });
  // Another tab of this user wrote, sent or dropped a message: this tab shows (and may send) the same
  // outbox. Sending one twice is harmless, since the server keeps one message per clientMsgId.
  const onStorage = (event: StorageEvent) => {
    const clientMsgId = outboxKeyOf(store.getState().me.handle, event.key);
    if (clientMsgId === null) return;
    const item = parseOutboxItem(event.newValue);
    if (!item) {
      // Gone while pending means another tab sent it. A tab without a connection would not see it arrive
      // until it is back, so it keeps it as waiting; sent again then (the server keeps one), it comes back stored.
      const held = store.getState().outbox.find((queued) => queued.clientMsgId === clientMsgId);
      if (held?.status === 'pending' && !socket.connected) return;
      anotherTabs.delete(clientMsgId);
      return store.getState().settle(clientMsgId);
    }
    if (!store.getState().outbox.some((queued) => queued.clientMsgId === clientMsgId)) anotherTabs.set(clientMsgId, Date.now());
    store.getState().adopt(item);
    if (item.status === 'pending') void flushOutbox();
  };
  window.addEventListener('storage', onStorage);
  const stopKeepingCopy = keepOfflineCopy(store);

  // What the user wants of each reaction (message and emoji) whose request is on its way. A press
  // meanwhile flips the wish instead of sending what the last answer implies (two presses both added);
  // once answered, the request goes again only if the wish changed: a double tap adds and takes back.
  const reactionWishes = new Map<string, boolean>();
  /**
   * Gives or takes back my `emoji` on `message`: `wanted` says which, or, left out, the other of what
   * `message` (the copy shown) or a press still on its way has it.
   */
  const setReaction = async (message: ChatMessage, emoji: string, wanted?: boolean): Promise<boolean> => {
    const key = `${message.id} ${emoji}`;
    const pending = reactionWishes.get(key);
    if (pending !== undefined) {
      reactionWishes.set(key, wanted ?? !pending);
      return true;
    }
    const { me, messagesByRoom } = store.getState();
    // The held copy if any: an answer applied since `message` was rendered is already in it.
    const current = messagesByRoom[message.roomId]?.find((held) => held.id === message.id) ?? message;
    const given = current.reactions?.some((reaction) => reaction.emoji === emoji && reaction.handles.includes(me.handle)) ?? false;
    let add = wanted ?? !given;
    if (add === given) return true;
    reactionWishes.set(key, add);
    try {
      for (;;) {
        if (!(await changeMessage(add ? 'reaction:add' : 'reaction:remove', { messageId: message.id, emoji }))) return false;
        const wish = reactionWishes.get(key)!;
        if (wish === add) return true;
        add = wish;
      }
    } finally {
      reactionWishes.delete(key);
    }
  };
  /**
   * Edits, deletes and reactions: the ack's copy is applied at once (the live `message:updated` may come
   * before or after it; the newer version wins). A refusal or no answer becomes the notice, never a throw.
   */
  const changeMessage = async <E extends 'message:edit' | 'message:delete' | 'reaction:add' | 'reaction:remove'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<boolean> => {
    if (!socket.connected) {
      store.getState().setNotice(OFFLINE_NOTICE);
      return false;
    }
    try {
      // The four events share one ack shape; the cast only spares a union of overloads.
      const emit = () => (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck: (event: E, payload: unknown) => Promise<ChangeReply> }).emitWithAck(event, payload);
      let reply = await emit();
      // They share the send limit: refused for speed, each goes again once the limit allows, as a send
      // does (setting a text, deleting, adding or removing a reaction twice changes nothing more).
      for (let tries = 1; !reply.ok && reply.error.code === 'rate_limited' && tries < CHANGE_TRIES && socket.connected; tries++) {
        store.getState().setNotice(CHANGE_WAITS);
        const wait = Math.min(reply.error.retryAfterMs ?? 1000, CHANGE_WAIT_MAX_MS);
        await new Promise((resolve) => setTimeout(resolve, wait));
        reply = await emit();
      }
      if (!reply.ok) {
        store.getState().setNotice(reply.error.message);
        return false;
      }
      store.getState().setNotice(null);
      applyChanges(reply.message.roomId, [reply.message]);
      return true;
    } catch {
      store.getState().setNotice('The server did not answer: try again.');
      return false;
    }
  };

  // The list comes over REST, so it shows even while the socket cannot connect. With no network at all, the
  // copy kept from the last visit shows instead, and the next connect brings it up to date (onConnect).
  // A list refused because the node is busy (503 with Retry-After: a crowd reconnecting at once) is asked
  // for again by itself, a few times, later each time and jittered so the crowd spreads out; the error
  // (with Retry) shows only after.
  // Resolves after the first attempt: the catch-up and the outbox on connect do not wait for the retries.
  let busyRetry: ReturnType<typeof setTimeout> | undefined;
  // Whom I blocked: asked at each (re)connect and by the details panel; changed here by `setBlock`.
  const loadBlocks = async () => {
    const { blocks } = await apiFetch<{ blocks: { handle: string }[] }>('/api/v1/blocks');
    store.getState().setBlocked(blocks.map((block) => block.handle));
  };
  const setBlock = async (handle: string, block: boolean) => {
    if (block) await apiFetch('/api/v1/blocks', { method: 'POST', body: JSON.stringify({ handle }) });
    else await apiFetch(`/api/v1/blocks/${encodeURIComponent(handle)}`, { method: 'DELETE' });
    store.getState().markBlocked(handle, block);
  };

  const loadRooms = async (attempt = 0): Promise<void> => {
    clearTimeout(busyRetry);
    try {
      await refreshRooms();
    } catch (error) {
      const copy = error instanceof ApiError ? null : loadOfflineCopy(store.getState().me.handle);
      if (copy) return store.getState().restoreCopy(copy);
      const wait = attempt < LIST_BUSY_RETRIES ? busyWait(error, attempt) : null;
      if (wait === null) return store.getState().setRoomsFailed();
      busyRetry = setTimeout(() => void loadRooms(attempt + 1), wait);
    }
  };
  void loadRooms();
  socket.connect();
  return {
    /** For features that bring their own events (components/notifications: view:state, message alerts). */
    socket,
    refreshRooms,
    askPresence,
    /** Loads the list again after a failed first load (the Retry button). */
    loadRooms,
    flushOutbox,
    openHistory,
    loadOlder,
    namePeople,
    loadBlocks,
    /** Blocks or unblocks `handle`; throws the server's refusal. */
    setBlock,
    editMessage: (messageId: string, body: string) => changeMessage('message:edit', { messageId, body }),
    deleteMessage: (messageId: string) => changeMessage('message:delete', { messageId }),
    /** A reaction chip: mine given or taken back, whichever it is not now (a double tap ends where it began). */
    toggleReaction: (message: ChatMessage, emoji: string) => setReaction(message, emoji),
    /** The reaction picker: "React with 👍" gives it, and keeps one given already (from another device meanwhile). */
    addReaction: (message: ChatMessage, emoji: string) => setReaction(message, emoji, true),
    /** Marks the room read up to `seq` (what the reader has had in view), once per new seq. */
    markRead: (roomId: string, seq: number) => {
      // Our own cursor moves at once, so the same seq is not reported again while the ack is on its way.
      store.getState().applyReceipt({ roomId, reader: store.getState().me.handle, seq, kind: 'read' });
      reportRead(roomId, seq);
    },
    /** Marks messages up to `seq` delivered: held on screen but not yet read (the reader is scrolled up). */
    markDelivered: (roomId: string, seq: number) => {
      store.getState().applyReceipt({ roomId, reader: store.getState().me.handle, seq, kind: 'delivered' });
      reportDelivered(roomId, seq);
    },
    /**
     * Tells a room we are typing (at most every TYPING_RENEW_MS per room: one just told does not hold back
     * the next room) or that we stopped (only a room that was told we were typing).
     */
    typing: (() => {
      const toldAt = new Map<string, number>();
      return (roomId: string, typing: boolean) => {
        if (!socket.connected) return;
        if (typing ? Date.now() - (toldAt.get(roomId) ?? 0) < TYPING_RENEW_MS : !toldAt.has(roomId)) return;
        if (typing) toldAt.set(roomId, Date.now());
        else toldAt.delete(roomId);
        socket.emit('typing', { roomId, typing });
      };
    })(),
    close: () => {
      refreshRoomsSoon.cancel();
      if (retryTimer) clearTimeout(retryTimer);
      if (handshakeTimer) clearTimeout(handshakeTimer);
      clearTimeout(busyRetry);
      delivered.stop();
      read.stop();
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      unsubscribe();
      stopKeepingCopy();
      window.removeEventListener('storage', onStorage);
      stopFollowingSignOuts();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

/**
 * Runs `run` once `delays.first()` ms after it is asked for, then again at most every `delays.then()` ms
 * while asked for meanwhile (all such asks share one run).
 */
function throttled(delays: { first: () => number; then: () => number }, run: () => void) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let again = false;
  const wait = (ms: number) => {
    timer = setTimeout(() => {
      timer = null;
      if (!again) return;
      again = false;
      run();
      wait(delays.then());
    }, ms);
  };
  return {
    run: () => {
      again = true;
      if (!timer) wait(delays.first());
    },
    cancel: () => {
      if (timer) clearTimeout(timer);
    },
  };
}

type ChangeReply = { ok: true; message: ChatMessage } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

export type ChatClient = ReturnType<typeof bindChatClient>;
