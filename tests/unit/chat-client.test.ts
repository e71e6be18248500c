import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem } from '@/lib/outbox';
import { bindChatClient, CHANGE_TRIES, CHANGE_WAITS, type ChatSocket, DELIVERED_FROM_LIST_MAX, LIST_BUSY_RETRIES, ROOM_LIST_REFRESH_MS } from '@/lib/realtime/chat-client';
import { SIGNED_OUT_URL } from '@/lib/sign-out';
import { type ChatMessage, PRESENCE_QUERY_MAX } from '@/lib/schemas';
import { createChatStore } from '@/lib/stores/chat-store';

type Sent = { event: string; payload: unknown; resolve: (reply: unknown) => void; reject: (error: Error) => void };

/** Stands in for the Socket.io client: records emits and lets the test answer (or not answer) each one. */
class FakeSocket {
  connected = false;
  active = false;
  connects = 0;
  sent: Sent[] = [];
  private handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  io = { engine: { close: () => this.drop('transport close') } };
  on(event: string, handler: (...args: unknown[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  emit(event: string, payload: unknown) {
    this.sent.push({ event, payload, resolve: () => {}, reject: () => {} });
    return this;
  }
  timeout() {
    return {
      emitWithAck: (event: string, payload: unknown) => new Promise((resolve, reject) => this.sent.push({ event, payload, resolve, reject })),
    };
  }
  connect() {
    this.connects += 1;
    return this;
  }
  open() {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }
  drop(reason: string) {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  disconnect() {}
  removeAllListeners() {}
  sends() {
    return this.sent.filter((sent) => sent.event === 'message:send');
  }
}

const me = { handle: 'me', displayName: 'Me', avatarUrl: null };
const item = (clientMsgId: string, at: number, target: { roomId?: string; to?: string } = { roomId: 'r1' }): OutboxItem => ({
  ...target,
  clientMsgId,
  body: clientMsgId,
  createdAt: at,
  queuedAt: Date.now(),
  status: 'pending',
});
const stored = (clientMsgId: string, seq: number, roomId = 'r1'): ChatMessage => ({
  id: `m-${clientMsgId}`,
  roomId,
  seq,
  clientMsgId,
  sender: 'me',
  kind: 'text',
  body: clientMsgId,
  createdAt: new Date().toISOString(),
  attachments: [],
});
const room = { id: 'r1', kind: 'direct', name: null, members: [], owner: null, closed: false, lastMessage: null, lastSeq: 0, unread: 0 };

let assign: ReturnType<typeof vi.fn>;
let failFetch = false;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  vi.useFakeTimers();
  assign = vi.fn();
  failFetch = false;
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {}, location: { assign } });
  vi.stubGlobal('fetch', async (path: string) => {
    if (failFetch) throw new TypeError('Failed to fetch');
    const body = path.includes('/requests') ? { requests: [] } : { rooms: [room] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function setUp(outbox: OutboxItem[] = []) {
  const socket = new FakeSocket();
  const store = createChatStore(me, outbox);
  const client = bindChatClient(store, socket as unknown as ChatSocket);
  return { socket, store, client };
}

/** Lets promises and timers run until the socket has sent `count` messages (or time runs out). */
async function untilSends(socket: FakeSocket, count: number, withinMs = 60_000) {
  for (let waited = 0; socket.sends().length < count && waited <= withinMs; waited += 100) await vi.advanceTimersByTimeAsync(100);
  expect(socket.sends().length).toBeGreaterThanOrEqual(count);
  return socket.sends()[count - 1];
}

describe('chat client: the handshake', () => {
  it('keeps retrying a handshake refused as `unavailable` and never sends the user to sign in', async () => {
    const { socket } = setUp();
    expect(socket.connects).toBe(1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const connects = socket.connects;
      socket.fire('connect_error', Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: 'Try again shortly.' } }));
      await vi.advanceTimersByTimeAsync(20_000);
      expect(socket.connects).toBe(connects + 1);
    }
    expect(assign).not.toHaveBeenCalled();
  });

  it('sends the user to sign in, with the reason, only for `unauthorized`', async () => {
    const { socket } = setUp();
    socket.fire('connect_error', new Error('unauthorized'));
    expect(assign).toHaveBeenCalledWith(SIGNED_OUT_URL);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.connects).toBe(1);
  });

  it('sends the user to sign in without a reason when this browser signed out (in another tab) just before', async () => {
    const { socket } = setUp();
    vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'relay:signed-out' ? String(Date.now()) : null), setItem: () => {} });
    socket.fire('connect_error', new Error('unauthorized'));
    expect(assign).toHaveBeenCalledWith('/signin');
  });
});

describe('chat client: a room list refused because the node is busy', () => {
  /** The node answers the first `refusals` room lists with 503 and Retry-After: 2 (seconds), as a busy one does. */
  function busyFor(refusals: number) {
    const listed: number[] = [];
    vi.stubGlobal('fetch', async (path: string) => {
      if (path.includes('/requests')) return Response.json({ requests: [] });
      listed.push(Date.now());
      if (listed.length <= refusals) return Response.json({ error: { code: 'unavailable', message: 'The server is busy; try again in a moment.' } }, { status: 503, headers: { 'retry-after': '2' } });
      return Response.json({ rooms: [room] });
    });
    return listed;
  }

  it('asks again by itself, no sooner than Retry-After and later each time, and shows the list without an error', async () => {
    const listed = busyFor(2);
    const { store } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(listed).toHaveLength(1);
    expect(store.getState().roomsStatus).toBe('loading');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(listed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(listed).toHaveLength(3);
    expect(listed[1] - listed[0]).toBeGreaterThanOrEqual(2_000);
    expect(listed[2] - listed[1]).toBeGreaterThanOrEqual(2_000);
    expect(store.getState().roomsStatus).toBe('ready');
    expect(Object.keys(store.getState().rooms)).toEqual(['r1']);
  });

  it(`shows the error (and its Retry) once ${LIST_BUSY_RETRIES} more tries were refused too; any other failure shows it at once`, async () => {
    const listed = busyFor(Infinity);
    const { store, client } = setUp();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(listed).toHaveLength(1 + LIST_BUSY_RETRIES);
    expect(store.getState().roomsStatus).toBe('error');

    failFetch = true;
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const other = setUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(other.store.getState().roomsStatus).toBe('error');
    // The Retry button starts afresh.
    busyFor(0);
    await client.loadRooms();
    expect(store.getState().roomsStatus).toBe('ready');
  });

  it('asks no more once the client is closed (signed out, the page left)', async () => {
    const listed = busyFor(Infinity);
    const { client } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    client.close();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(listed).toHaveLength(1);
  });
});

describe('chat client: the outbox keeps its order and its honest states', () => {
  it('a message waiting out a long rate limit stays pending while connected, and the next one does not overtake it', async () => {
    const { socket, store } = setUp([item('a', 1), item('b', 2)]);
    socket.open();
    const first = await untilSends(socket, 1);
    expect(first.payload).toMatchObject({ clientMsgId: 'a' });
    first.resolve({ ok: false, error: { code: 'rate_limited', message: 'Slow down.', retryAfterMs: 45_000 } });
    await vi.advanceTimersByTimeAsync(40_000);
    // Told that it waits and goes by itself: not the server's "try again", which asks the user to act.
    expect(store.getState().notice).toBe('You are sending too fast: your messages wait and go out in a moment.');
    expect(store.getState().outbox.map((queued) => [queued.clientMsgId, queued.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    expect(socket.sends()).toHaveLength(1);
    const again = await untilSends(socket, 2);
    expect(again.payload).toMatchObject({ clientMsgId: 'a' });
    again.resolve({ ok: true, message: stored('a', 1) });
    const next = await untilSends(socket, 3);
    expect(next.payload).toMatchObject({ clientMsgId: 'b' });
  });

  it('an ack timeout keeps the message pending, in front, and sends it again by itself', async () => {
    const { socket, store } = setUp([item('a', 1), item('b', 2)]);
    socket.open();
    (await untilSends(socket, 1)).reject(new Error('operation has timed out'));
    await vi.advanceTimersByTimeAsync(35_000);
    expect(store.getState().outbox.every((queued) => queued.status === 'pending')).toBe(true);
    const again = await untilSends(socket, 2);
    expect(again.payload).toMatchObject({ clientMsgId: 'a' });
  });

  it('an `unavailable` answer keeps the message pending and it is sent again by itself, before later ones', async () => {
    const { socket, store } = setUp([item('a', 1), item('b', 2)]);
    socket.open();
    (await untilSends(socket, 1)).resolve({ ok: false, error: { code: 'unavailable', message: 'The database is unavailable.' } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().outbox.find((queued) => queued.clientMsgId === 'a')?.status).toBe('pending');
    const again = await untilSends(socket, 2);
    expect(again.payload).toMatchObject({ clientMsgId: 'a' });
    again.resolve({ ok: true, message: stored('a', 1) });
    expect((await untilSends(socket, 3)).payload).toMatchObject({ clientMsgId: 'b' });
    expect(store.getState().outbox.map((queued) => queued.clientMsgId)).toEqual(['b']);
  });

  it('a failed room refresh after a first message does not end the flush nor reject unhandled', async () => {
    const { socket, store } = setUp([item('a', 1, { to: 'bob' }), item('b', 2, { to: 'bob' })]);
    socket.open();
    const first = await untilSends(socket, 1);
    failFetch = true;
    first.resolve({ ok: true, message: stored('a', 1, 'r-new') });
    const next = await untilSends(socket, 2);
    expect(next.payload).toMatchObject({ clientMsgId: 'b' });
    next.resolve({ ok: true, message: stored('b', 2, 'r-new') });
    await vi.advanceTimersByTimeAsync(100);
    expect(store.getState().outbox).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(unhandled).toEqual([]);
  });

  it('the browser going offline shows "offline" at once and closes the transport', async () => {
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('window', { addEventListener: (event: string, handler: () => void) => listeners.set(event, handler), removeEventListener: () => {}, location: { assign } });
    const { socket, store } = setUp();
    socket.open();
    expect(store.getState().connected).toBe(true);
    listeners.get('offline')!();
    expect(store.getState().connected).toBe(false);
    expect(socket.connected).toBe(false);
  });
});

describe('chat client: changes to messages (rich messaging)', () => {
  const syncReply = (changes: ChatMessage[], version: number, lastSeq = 1) => ({ ok: true, messages: [], changes, lastSeq, version, hasMore: false });
  const syncs = (socket: FakeSocket) => socket.sent.filter((sent) => sent.event === 'room:sync');

  it('catches up with afterVersion after a reconnect and applies the changes, then holds the new version', async () => {
    vi.stubGlobal('fetch', async (path: string) => {
      const body = path.includes('/messages') ? { messages: [], hasMore: false } : path.includes('/requests') ? { requests: [] } : { rooms: [room] };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket, store, client } = setUp();
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    const history = client.openHistory('r1');
    for (let tries = 0; syncs(socket).length < 1 && tries < 50; tries += 1) await vi.advanceTimersByTimeAsync(10);
    // The first sync of a room seen for the first time starts from the list's version (0 here).
    const first = syncs(socket)[0];
    expect(first.payload).toEqual({ roomId: 'r1', afterSeq: 0, afterVersion: 0 });
    first.resolve({ ok: true, messages: [{ ...stored('a', 1), version: 1 }], changes: [], lastSeq: 1, version: 1, hasMore: false });
    await history;

    // Offline meanwhile: an edit is made; on reconnect the sync asks for changes after version 1.
    socket.drop('transport close');
    socket.open();
    for (let tries = 0; syncs(socket).length < 2 && tries < 50; tries += 1) await vi.advanceTimersByTimeAsync(10);
    const second = syncs(socket)[1];
    expect(second.payload).toEqual({ roomId: 'r1', afterSeq: 1, afterVersion: 1 });
    second.resolve(syncReply([{ ...stored('a', 1), version: 3, body: 'edited', editedAt: new Date().toISOString() }], 3));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().messagesByRoom.r1[0].body).toBe('edited');
    expect(store.getState().syncedVersion.r1).toBe(3);
  });

  it('applies message:updated live, and a refused edit becomes a notice rather than a throw', async () => {
    const { socket, store, client } = setUp();
    socket.open();
    store.getState().mergeMessages('r1', [{ ...stored('a', 1), version: 1 }]);
    socket.fire('message:updated', { message: { ...stored('a', 1), version: 2, reactions: [{ emoji: '🎉', count: 1, handles: ['them'] }] } });
    expect(store.getState().messagesByRoom.r1[0].reactions?.[0].emoji).toBe('🎉');

    const edit = client.editMessage('m-a', 'new text');
    const sent = socket.sent.find((entry) => entry.event === 'message:edit')!;
    expect(sent.payload).toEqual({ messageId: 'm-a', body: 'new text' });
    sent.resolve({ ok: false, error: { code: 'forbidden', message: 'You can only edit your own messages.' } });
    expect(await edit).toBe(false);
    expect(store.getState().notice).toBe('You can only edit your own messages.');

    const react = client.toggleReaction(stored('a', 1), '👍');
    socket.sent.find((entry) => entry.event === 'reaction:add')!.reject(new Error('operation has timed out'));
    expect(await react).toBe(false);
    expect(store.getState().notice).toMatch(/did not answer/);
  });

  it('presses on a reaction before the server answered flip what is wanted: two take it back, three leave it added', async () => {
    const { socket, client } = setUp();
    socket.open();
    const asked = (event: string) => socket.sent.filter((entry) => entry.event === event);
    const mine = { ...stored('a', 1), reactions: [{ emoji: '👍', count: 1, handles: ['me'] }] };
    // A double tap: one add on its way, then the remove it asked for once the add is answered.
    const first = client.toggleReaction(stored('a', 1), '👍');
    expect(await client.toggleReaction(stored('a', 1), '👍')).toBe(true);
    expect(asked('reaction:add')).toHaveLength(1);
    expect(asked('reaction:remove')).toHaveLength(0);
    asked('reaction:add')[0].resolve({ ok: true, message: mine });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked('reaction:remove')).toHaveLength(1);
    asked('reaction:remove')[0].resolve({ ok: true, message: stored('a', 1) });
    expect(await first).toBe(true);
    // A triple tap: the wish ends as the first press had it, so nothing more goes.
    const again = client.toggleReaction(stored('a', 1), '👍');
    void client.toggleReaction(stored('a', 1), '👍');
    void client.toggleReaction(stored('a', 1), '👍');
    asked('reaction:add')[1].resolve({ ok: true, message: mine });
    expect(await again).toBe(true);
    expect(asked('reaction:add')).toHaveLength(2);
    expect(asked('reaction:remove')).toHaveLength(1);
    // Nothing on its way: a press takes back what the copy shown has.
    void client.toggleReaction(mine, '👍');
    expect(asked('reaction:remove')).toHaveLength(2);
  });

  it('the picker gives a reaction and keeps one already given (from another device meanwhile): it never takes it back', async () => {
    const { socket, client } = setUp();
    socket.open();
    const asked = (event: string) => socket.sent.filter((entry) => entry.event === event);
    const mine = { ...stored('a', 1), reactions: [{ emoji: '👍', count: 1, handles: ['me'] }] };
    expect(await client.addReaction(mine, '👍')).toBe(true);
    expect([...asked('reaction:add'), ...asked('reaction:remove')]).toHaveLength(0);
    const add = client.addReaction(stored('a', 1), '👍');
    expect(asked('reaction:add')).toHaveLength(1);
    // Picked again while the first is on its way: still wanted, so nothing more goes.
    void client.addReaction(stored('a', 1), '👍');
    asked('reaction:add')[0].resolve({ ok: true, message: mine });
    expect(await add).toBe(true);
    expect(asked('reaction:remove')).toHaveLength(0);
    // A chip's take-back on its way, then the picker: it ends given.
    const back = client.toggleReaction(mine, '👍');
    void client.addReaction(mine, '👍');
    asked('reaction:remove')[0].resolve({ ok: true, message: stored('a', 1) });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked('reaction:add')).toHaveLength(2);
    asked('reaction:add')[1].resolve({ ok: true, message: mine });
    expect(await back).toBe(true);
  });

  it('an edit, delete or reaction refused for speed goes again once the limit allows, a few times, then says why', async () => {
    const { socket, store, client } = setUp();
    socket.open();
    const react = client.toggleReaction(stored('a', 1), '👍');
    const reactions = () => socket.sent.filter((entry) => entry.event === 'reaction:add');
    reactions()[0].resolve({ ok: false, error: { code: 'rate_limited', message: 'You are sending too fast.', retryAfterMs: 2_000 } });
    await vi.advanceTimersByTimeAsync(1_900);
    expect(reactions()).toHaveLength(1);
    expect(store.getState().notice).toBe(CHANGE_WAITS);
    await vi.advanceTimersByTimeAsync(200);
    expect(reactions()).toHaveLength(2);
    reactions()[1].resolve({ ok: true, message: { ...stored('a', 1), reactions: [{ emoji: '👍', count: 1, handles: ['me'] }] } });
    expect(await react).toBe(true);
    expect(store.getState().notice).toBeNull();

    const remove = client.deleteMessage('m-a');
    const deletes = () => socket.sent.filter((entry) => entry.event === 'message:delete');
    for (let tries = 0; tries < CHANGE_TRIES; tries++) {
      for (let waited = 0; deletes().length <= tries && waited < 20_000; waited += 100) await vi.advanceTimersByTimeAsync(100);
      deletes()[tries].resolve({ ok: false, error: { code: 'rate_limited', message: 'You are sending too fast.', retryAfterMs: 500 } });
    }
    expect(await remove).toBe(false);
    expect(deletes()).toHaveLength(CHANGE_TRIES);
    expect(store.getState().notice).toBe('You are sending too fast.');
  });

  it('sends replyToId and attachmentIds with a queued message', async () => {
    const { socket } = setUp([{ ...item('a', 1), body: '', replyToId: 'm-x', attachmentIds: ['att1'] }]);
    socket.open();
    const sent = await untilSends(socket, 1);
    expect(sent.payload).toEqual({ roomId: 'r1', clientMsgId: 'a', body: '', replyToId: 'm-x', attachmentIds: ['att1'] });
  });
});

describe('chat client: room:advanced (room heartbeat, hybrid fan-out)', () => {
  it('syncs the open room at once; another room only refreshes the list, within ROOM_LIST_REFRESH_MS and then at most that often, and syncs when opened', async () => {
    let listFetches = 0;
    let listedSeq = 1;
    vi.stubGlobal('fetch', async (path: string) => {
      if (path.includes('/rooms') && !path.includes('/messages')) listFetches += 1;
      const rooms = [room, { ...room, id: 'r2', kind: 'group', lastSeq: listedSeq }];
      const body = path.includes('/messages') ? { messages: [], hasMore: false } : path.includes('/requests') ? { requests: [] } : { rooms };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket, store, client } = setUp();
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    const roomSyncs = (roomId: string) => socket.sent.filter((sent) => sent.event === 'room:sync' && (sent.payload as { roomId: string }).roomId === roomId);
    // Both rooms held up to seq 1; r1 is open.
    for (const roomId of ['r1', 'r2']) {
      store.getState().mergeMessages(roomId, [stored(`${roomId}-1`, 1, roomId)]);
      store.getState().markSynced(roomId, 1);
    }
    store.getState().openRoom('r1');
    const fetchesBefore = listFetches;

    // A busy room not open: the list is refreshed at a random moment within the interval (a big group's
    // members spread out), then again for what came after, no sooner than the interval ± a quarter; no sync.
    // Math.random at one half: the first refresh half an interval in, the next one interval after it.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(ROOM_LIST_REFRESH_MS).toBeGreaterThanOrEqual(10_000);
    listedSeq = 10;
    for (let seq = 2; seq <= 10; seq += 1) socket.fire('room:advanced', { roomId: 'r2', lastSeq: seq });
    await vi.advanceTimersByTimeAsync(ROOM_LIST_REFRESH_MS / 2 - 1);
    expect(listFetches).toBe(fetchesBefore);
    await vi.advanceTimersByTimeAsync(1);
    expect(listFetches).toBe(fetchesBefore + 1);
    expect(store.getState().rooms.r2.lastSeq).toBe(10);
    listedSeq = 20;
    for (let seq = 11; seq <= 20; seq += 1) socket.fire('room:advanced', { roomId: 'r2', lastSeq: seq });
    await vi.advanceTimersByTimeAsync(ROOM_LIST_REFRESH_MS - 1);
    expect(listFetches).toBe(fetchesBefore + 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(listFetches).toBe(fetchesBefore + 2);
    vi.mocked(Math.random).mockRestore();
    expect(store.getState().rooms.r2.lastSeq).toBe(20);
    // The list knows of seq 20 now: the same news again (a heartbeat) fetches nothing.
    socket.fire('room:advanced', { roomId: 'r2', lastSeq: 20 });
    await vi.advanceTimersByTimeAsync(2 * ROOM_LIST_REFRESH_MS);
    expect(listFetches).toBe(fetchesBefore + 2);
    expect(roomSyncs('r2')).toEqual([]);

    // The open room catches up at once (a lost push, or a hidden tab in a hot room).
    socket.fire('room:advanced', { roomId: 'r1', lastSeq: 3 });
    expect(roomSyncs('r1').map((sent) => sent.payload)).toEqual([{ roomId: 'r1', afterSeq: 1 }]);

    // Opening r2 syncs it from what it holds.
    store.getState().openRoom('r2');
    void client.openHistory('r2');
    for (let tries = 0; roomSyncs('r2').length < 1 && tries < 50; tries += 1) await vi.advanceTimersByTimeAsync(10);
    expect(roomSyncs('r2').map((sent) => sent.payload)).toMatchObject([{ roomId: 'r2', afterSeq: 1 }]);
  });
});

describe('chat client: presence', () => {
  it('asks for direct partners at connect, and for any list of people PRESENCE_QUERY_MAX at a time when asked', async () => {
    const member = (handle: string) => ({ handle, displayName: handle, readSeq: 0, deliveredSeq: 0 });
    const group = Array.from({ length: PRESENCE_QUERY_MAX + 50 }, (_, index) => member(`g${index}`));
    vi.stubGlobal('fetch', async (path: string) => {
      const rooms = [
        { ...room, members: [member('me'), member('dm')] },
        { ...room, id: 'r2', kind: 'group', name: 'big', members: [member('me'), member('dm'), ...group] },
      ];
      const body = path.includes('/requests') ? { requests: [] } : { rooms };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket, store, client } = setUp();
    const queries = () => socket.sent.filter((sent) => sent.event === 'presence:query');
    const answer = (query: Sent) =>
      query.resolve({ ok: true, statuses: (query.payload as { handles: string[] }).handles.map((handle) => ({ handle, status: 'online', lastSeenAt: null })) });
    socket.open();
    for (let tries = 0; queries().length < 1 && tries < 50; tries += 1) await vi.advanceTimersByTimeAsync(10);
    await vi.advanceTimersByTimeAsync(100);
    // Only the direct partner (once per list load): a big group's members are asked for by its details panel.
    const atConnect = queries();
    expect(atConnect.map((query) => query.payload)).toEqual(atConnect.map(() => ({ handles: ['dm'] })));
    atConnect.forEach(answer);

    const asking = client.askPresence(group.map((person) => person.handle));
    await vi.advanceTimersByTimeAsync(0);
    answer(queries()[atConnect.length]);
    await vi.advanceTimersByTimeAsync(0);
    answer(queries()[atConnect.length + 1]);
    await asking;
    expect(queries().slice(atConnect.length).map((query) => (query.payload as { handles: string[] }).handles.length)).toEqual([PRESENCE_QUERY_MAX, 50]);
    expect(Object.keys(store.getState().presence).sort()).toEqual(['dm', ...group.map((person) => person.handle)].sort());
  });
});

describe('chat client: presence across a block', () => {
  it("forgets a blocked person's status at the block (groups are not asked again), and asks for it once unblocked", async () => {
    const member = (handle: string) => ({ handle, displayName: handle, readSeq: 0, deliveredSeq: 0 });
    vi.stubGlobal('fetch', async (path: string) => {
      const rooms = [{ ...room, id: 'g', kind: 'group', name: 'crew', members: [member('me'), member('mal')] }];
      return new Response(JSON.stringify(path.includes('/requests') ? { requests: [] } : { rooms }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket, store } = setUp();
    const queries = () => socket.sent.filter((sent) => sent.event === 'presence:query');
    socket.open();
    socket.fire('presence', { handle: 'mal', status: 'online', lastSeenAt: null });
    expect(store.getState().presence.mal?.status).toBe('online');

    socket.fire('blocks:updated', { handle: 'mal', blocked: true });
    expect(store.getState().presence.mal).toEqual({ handle: 'mal', status: 'offline', lastSeenAt: null });

    const before = queries().length;
    socket.fire('blocks:updated', { handle: 'mal', blocked: false });
    await vi.advanceTimersByTimeAsync(0);
    const asked = queries().slice(before).find((query) => (query.payload as { handles: string[] }).handles.includes('mal'));
    expect(asked?.payload).toEqual({ handles: ['mal'] });
    asked!.resolve({ ok: true, statuses: [{ handle: 'mal', status: 'online', lastSeenAt: null }] });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().presence.mal?.status).toBe('online');
  });
});

describe('chat client: opening with no network (lib/offline-copy.ts)', () => {
  const copy = {
    rooms: [{ ...room, lastSeq: 2 }],
    requests: [],
    messagesByRoom: { r1: [stored('a', 1), stored('b', 2)] },
    syncedSeq: { r1: 2 },
    syncedVersion: { r1: 5 },
  };
  const withCopy = () => vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'relay:offline-copy:me' ? JSON.stringify(copy) : null) });

  it('shows the kept copy when the list cannot be fetched, then catches up from its synced seq and version on connect', async () => {
    withCopy();
    failFetch = true;
    const { store, socket } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().roomsStatus).toBe('ready');
    expect(store.getState().messagesByRoom.r1.map((message) => message.seq)).toEqual([1, 2]);

    failFetch = false;
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    const sync = socket.sent.find((sent) => sent.event === 'room:sync');
    expect(sync?.payload).toEqual({ roomId: 'r1', afterSeq: 2, afterVersion: 5 });
  });

  it('shows the error, not the copy, when the server refused the list', async () => {
    withCopy();
    vi.stubGlobal('fetch', async () => Response.json({ error: { code: 'internal', message: 'Something went wrong.' } }, { status: 500 }));
    const { store } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().roomsStatus).toBe('error');
    expect(store.getState().rooms).toEqual({});
  });
});

describe('chat client: reading while the connection is gone', () => {
  it('tells the server on reconnect how far was read, when the report got no answer', async () => {
    const { store, socket, client } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    store.getState().mergeMessages('r1', [stored('a', 1), stored('b', 2)]);
    client.markRead('r1', 2);
    const reads = () => socket.sent.filter((sent) => sent.event === 'room:read');
    expect(reads().map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 2 }]);
    reads()[0].reject(new Error('operation has timed out'));
    await vi.advanceTimersByTimeAsync(0);

    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    for (const sync of socket.sent.filter((sent) => sent.event === 'room:sync')) sync.resolve({ ok: true, messages: [], changes: [], hasMore: false, lastSeq: 2, version: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(reads().map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 2 }, { roomId: 'r1', seq: 2 }]);
  });
});

describe('chat client: a read or delivery report refused for now', () => {
  it('goes again by itself, still connected, after the wait the server asked for (rate_limited) or a while (unavailable)', async () => {
    const { store, socket, client } = setUp();
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    store.getState().mergeMessages('r1', [stored('a', 1), stored('b', 2)]);
    const reports = (event: string) => socket.sent.filter((sent) => sent.event === event);
    client.markRead('r1', 2);
    client.markDelivered('r1', 1);
    reports('room:read')[0].resolve({ ok: false, error: { code: 'rate_limited', message: 'Too many "room:read" events.', retryAfterMs: 1_500 } });
    reports('room:delivered')[0].resolve({ ok: false, error: { code: 'unavailable', message: 'The server is busy.' } });
    await vi.advanceTimersByTimeAsync(1_400);
    expect(reports('room:read')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(reports('room:read').map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 2 }, { roomId: 'r1', seq: 2 }]);
    reports('room:read')[1].resolve({ ok: true, unread: 0 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reports('room:delivered').map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 1 }, { roomId: 'r1', seq: 1 }]);
    // Answered: nothing goes again.
    expect(reports('room:read')).toHaveLength(2);
  });

  it('goes again by itself after a while when it got no answer though the connection stayed (the server stuck on its database)', async () => {
    const { store, socket, client } = setUp();
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    store.getState().mergeMessages('r1', [stored('a', 1), stored('b', 2)]);
    const reads = () => socket.sent.filter((sent) => sent.event === 'room:read');
    client.markRead('r1', 2);
    reads()[0].reject(new Error('operation has timed out'));
    // No reconnect is coming to send it again.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reads().map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 2 }, { roomId: 'r1', seq: 2 }]);
  });
});

describe('chat client: a read the server never heard of', () => {
  it('is reported when the list comes back with an older read cursor (read offline, the report lost with a reload)', async () => {
    const members = (readSeq: number) => [{ handle: 'me', displayName: 'Me', avatarUrl: null, readSeq, deliveredSeq: readSeq }];
    vi.stubGlobal('fetch', async (path: string) =>
      Response.json(path.includes('/requests') ? { requests: [] } : { rooms: [{ ...room, lastSeq: 5, unread: 4, members: members(1) }] }),
    );
    const { store, socket } = setUp();
    // What this page holds: read up to 5 (from the copy kept offline, say).
    store.getState().restoreCopy({ rooms: [{ ...room, kind: 'direct', lastSeq: 5, unread: 0, members: members(5) }], requests: [], messagesByRoom: {}, syncedSeq: {}, syncedVersion: {} });
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.sent.filter((sent) => sent.event === 'room:read').map((sent) => sent.payload)).toEqual([{ roomId: 'r1', seq: 5 }]);
  });
});

/** Answers every presence query sent so far (as the server would: nobody online). */
function answerPresence(socket: FakeSocket) {
  for (const query of socket.sent.filter((sent) => sent.event === 'presence:query')) query.resolve({ ok: true, statuses: [] });
}

/** Runs a connect (in fake time) through its list load, answering presence, and whatever follows it. */
async function untilListed(socket: FakeSocket) {
  for (let tries = 0; tries < 50; tries += 1) {
    answerPresence(socket);
    await vi.advanceTimersByTimeAsync(10);
  }
}

describe('chat client: delivery of what the list brings', () => {
  it('reports each listed conversation whose newest message is someone else’s delivered, not its own, not one already delivered, not the one on screen', async () => {
    const member = (handle: string, deliveredSeq = 0) => ({ handle, displayName: handle, readSeq: 0, deliveredSeq });
    const from = (sender: string, seq: number, roomId: string) => ({ ...stored(`${roomId}-${seq}`, seq, roomId), sender });
    const listed = [
      { ...room, id: 'theirs', members: [member('me', 2), member('dm')], lastMessage: from('dm', 5, 'theirs'), lastSeq: 5 },
      { ...room, id: 'mine', members: [member('me', 2), member('dm')], lastMessage: from('me', 5, 'mine'), lastSeq: 5 },
      { ...room, id: 'had', members: [member('me', 5), member('dm')], lastMessage: from('dm', 5, 'had'), lastSeq: 5 },
      { ...room, id: 'open', members: [member('me', 2), member('dm')], lastMessage: from('dm', 5, 'open'), lastSeq: 5 },
    ];
    vi.stubGlobal('document', { visibilityState: 'visible' });
    vi.stubGlobal('fetch', async (path: string) => {
      const body = path.includes('/requests') ? { requests: [] } : { rooms: listed };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket, store } = setUp();
    store.getState().openRoom('open');
    socket.open();
    const delivered = () => socket.sent.filter((sent) => sent.event === 'room:delivered').map((sent) => sent.payload);
    // The reports go once the connect's list is in, presence asked for: the outbox flush after them is the sentinel.
    await untilListed(socket);
    expect(delivered()).toEqual([{ roomId: 'theirs', seq: 5 }]);
  });
});

describe('chat client: delivery of what the list brings, bounded', () => {
  it('reports only the newest DELIVERED_FROM_LIST_MAX at a connect, and nothing at a later refresh of the list', async () => {
    const member = (handle: string, deliveredSeq = 0) => ({ handle, displayName: handle, readSeq: 0, deliveredSeq });
    let lastSeq = 5;
    const listed = () =>
      Array.from({ length: DELIVERED_FROM_LIST_MAX + 5 }, (_, index) => ({
        ...room,
        id: `r${index}`,
        members: [member('me'), member('dm')],
        lastMessage: { ...stored(`m${index}`, lastSeq, `r${index}`), sender: 'dm', createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString() },
        lastSeq,
      }));
    vi.stubGlobal('document', { visibilityState: 'visible' });
    vi.stubGlobal('fetch', async (path: string) => {
      const body = path.includes('/requests') ? { requests: [] } : { rooms: listed() };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const { socket } = setUp();
    socket.open();
    const delivered = () => socket.sent.filter((sent) => sent.event === 'room:delivered').map((sent) => sent.payload as { roomId: string });
    const presenceQueries = () => socket.sent.filter((sent) => sent.event === 'presence:query').length;
    await untilListed(socket);
    // The newest first: r54 … r5.
    expect(delivered().map((payload) => payload.roomId)).toEqual(Array.from({ length: DELIVERED_FROM_LIST_MAX }, (_, index) => `r${DELIVERED_FROM_LIST_MAX + 4 - index}`));

    // Newer messages, learned of by a refresh (not a connect): no reports; the list's presence query is the sentinel.
    lastSeq = 6;
    const before = delivered().length;
    const queriesBefore = presenceQueries();
    socket.fire('room:updated', { roomId: 'r0' });
    for (let tries = 0; presenceQueries() === queriesBefore && tries < 50; tries += 1) await vi.advanceTimersByTimeAsync(10);
    expect(presenceQueries()).toBeGreaterThan(queriesBefore);
    answerPresence(socket);
    await vi.advanceTimersByTimeAsync(10);
    expect(delivered()).toHaveLength(before);
  });
});
