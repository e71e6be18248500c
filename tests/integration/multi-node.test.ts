import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceStatus } from '@/lib/schemas';
import { SESSION_RECHECK_MS } from '@/server/realtime/with-handler';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, connectWatched, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';
import { createGroupAccepted } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Real server processes sharing Postgres and Redis, as behind a load balancer. Presence timing is
// shortened so that the crash bound (ttl + a third) is seconds, not a minute.
const TTL_MS = 1500;
const GRACE_MS = 300;
const PRESENCE_ENV = { PRESENCE_TTL_MS: String(TTL_MS), PRESENCE_GRACE_MS: String(GRACE_MS) };
// docs/protocol.md: a dead node's users go offline a ttl after its last heartbeat plus at most one
// sweep interval (a third of the ttl). The margin covers the sweep's own work and delivery.
const CRASH_BOUND_MS = TTL_MS + TTL_MS / 3;
const CRASH_MARGIN_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
let nodeA: AppServer;
let nodeB: AppServer;
const extraNodes: AppServer[] = [];
const sockets: TestSocket[] = [];

async function open(node: AppServer, user: TestUser) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function acceptRequest(node: AppServer, user: TestUser, roomId: string) {
  const reply = await api(node.url, `/api/v1/requests/${roomId}/accept`, { method: 'POST', token: user.token });
  expect(reply.status).toBe(200);
}

function collect<T>(socket: TestSocket, event: string) {
  const received: (T & { receivedAt: number })[] = [];
  (socket as any).on(event, (payload: T) => received.push({ ...payload, receivedAt: Date.now() }));
  return received;
}

/**
 * The sentinel for a presence absence check: a peer of `watcher` connects to each node and leaves
 * again. Their offline comes a grace period after they left, so every grace timer started on those
 * nodes before they left has fired (and its announcement gone out) by the time it arrives.
 */
async function presenceSentinel(watcher: TestUser, watcherSocket: TestSocket, events: { handle: string; status: string }[]) {
  const peers = await Promise.all([nodeA, nodeB].map((node) => createUser(node.url, 'sentinel')));
  for (const [index, peer] of peers.entries()) {
    const node = [nodeA, nodeB][index];
    const first = await emitAck(watcherSocket, 'message:send', { to: peer.handle, clientMsgId: `sentinel-${peer.handle}`, body: 'hi' });
    await acceptRequest(node, peer, first.message.roomId);
  }
  const peerSockets = await Promise.all(peers.map((peer, index) => connect([nodeA, nodeB][index].url, { token: peer.token })));
  await waitFor(() => peers.every((peer) => events.some((e) => e.handle === peer.handle && e.status === 'online')), 10_000, `the sentinels online for ${watcher.handle}`);
  for (const socket of peerSockets) socket.close();
  await waitFor(() => peers.every((peer) => events.some((e) => e.handle === peer.handle && e.status === 'offline')), 10_000, `the sentinels offline for ${watcher.handle}`);
}

async function currentSessionId(node: AppServer, token: string): Promise<string> {
  const reply = await api(node.url, '/api/v1/sessions', { token });
  return reply.body.sessions.find((session: { current: boolean }) => session.current).id;
}

// Timestamps are stored as UTC in TIMESTAMP(3) columns.
async function sessionLastSeen(sessionId: string): Promise<number> {
  const { rows } = await db.query('SELECT extract(epoch FROM "lastSeenAt") * 1000 AS ms FROM "DeviceSession" WHERE id = $1', [sessionId]);
  return Math.round(Number(rows[0].ms));
}
async function setSessionLastSeen(sessionId: string, at: number) {
  await db.query(`UPDATE "DeviceSession" SET "lastSeenAt" = to_timestamp($2 / 1000.0) AT TIME ZONE 'UTC' WHERE id = $1`, [sessionId, at]);
}

beforeAll(async () => {
  await db.connect();
  [nodeA, nodeB] = await Promise.all([startAppServer(PRESENCE_ENV), startAppServer(PRESENCE_ENV)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([nodeA, nodeB, ...extraNodes].map((node) => node?.stop()));
  await db.end();
});

describe('several nodes through Redis', () => {
  it('delivers direct and group messages, receipts and typing between users on different nodes', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeB.url, 'bob'), createUser(nodeA.url, 'carol')]);
    const aliceSocket = await open(nodeA, alice);
    const bobOnB = await open(nodeB, bob);
    const bobOnA = await open(nodeA, bob);
    const carolOnB = await open(nodeB, carol);
    const bobInboxes = [bobOnB, bobOnA].map(collectMessages);

    const direct = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'n-1', body: 'across nodes' });
    expect(direct.ok).toBe(true);
    for (const inbox of bobInboxes) expect(await inbox.waitFor(1)).toEqual([direct.message]);
    const reply = await emitAck(bobOnB, 'message:send', { roomId: direct.message.roomId, clientMsgId: 'n-2', body: 'back at you' });
    expect(reply.message.seq).toBe(2);

    // Receipts: bob reads on node B; alice on node A is told, bob's session on node A gets the new count.
    const aliceReceipts = collect<any>(aliceSocket, 'receipt');
    const bobUnreadOnA = collect<any>(bobOnA, 'unread');
    expect(await emitAck(bobOnB, 'room:read', { roomId: direct.message.roomId, seq: 2 })).toEqual({ ok: true, unread: 0 });
    await waitFor(() => aliceReceipts.some((r) => r.kind === 'read' && r.reader === bob.handle && r.seq === 2));
    await waitFor(() => bobUnreadOnA.some((u) => u.roomId === direct.message.roomId && u.count === 0));

    // Typing from node B reaches alice on node A, and not bob himself.
    const aliceTyping = collect<any>(aliceSocket, 'typing');
    const bobTypingOnA = collect<any>(bobOnA, 'typing');
    bobOnB.emit('typing', { roomId: direct.message.roomId, typing: true });
    await waitFor(() => aliceTyping.some((t) => t.handle === bob.handle && t.typing === true && t.roomId === direct.message.roomId));
    expect(bobTypingOnA).toEqual([]);

    // A group spanning both nodes.
    const groupId = await createGroupAccepted(nodeA.url, alice, 'span', [bob, carol]);
    const carolInbox = collectMessages(carolOnB);
    const inGroup = await emitAck(bobOnA, 'message:send', { roomId: groupId, clientMsgId: 'g-1', body: 'hello group' });
    await waitFor(() => carolInbox.received.some((m) => m.id === inGroup.message.id));
    await waitFor(() => bobInboxes[0].received.some((m) => m.id === inGroup.message.id));

    // A second tab of Bob's on node B types too, then closes: he is still typing in the first, so alice is
    // not told he stopped. The first closing (the sentinel) is.
    const bobSecondTab = await open(nodeB, bob);
    bobSecondTab.emit('typing', { roomId: direct.message.roomId, typing: true });
    await waitFor(() => aliceTyping.filter((t) => t.handle === bob.handle && t.typing === true).length === 2);
    bobSecondTab.disconnect();
    // Bob's tab on node B closes mid-sentence: alice is told he stopped, not left seeing it for 6 s.
    bobOnB.disconnect();
    await waitFor(() => aliceTyping.some((t) => t.handle === bob.handle && t.typing === false && t.roomId === direct.message.roomId));
    expect(aliceTyping.filter((t) => t.typing === false)).toHaveLength(1);
    expect(bobTypingOnA).toEqual([]);
  });

  it('serves users from a third node started later', async () => {
    const nodeC = await startAppServer(PRESENCE_ENV);
    extraNodes.push(nodeC);
    const dave = await createUser(nodeC.url, 'dave');
    const erin = await createUser(nodeA.url, 'erin');
    const daveSocket = await open(nodeC, dave);
    const erinSocket = await open(nodeA, erin);
    const daveInbox = collectMessages(daveSocket);
    const sent = await emitAck(erinSocket, 'message:send', { to: dave.handle, clientMsgId: 'c-1', body: 'hi from A' });
    expect(await daveInbox.waitFor(1)).toEqual([sent.message]);
    const back = await emitAck(daveSocket, 'message:send', { roomId: sent.message.roomId, clientMsgId: 'c-2', body: 'hi from C' });
    expect(back.message.seq).toBe(2);
  });

  it('shows presence across nodes, pulled and pushed, without flapping on a quick reconnect', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeB.url, 'bob')]);
    const aliceSocket = await open(nodeA, alice);
    const bobFirst = await open(nodeB, bob);
    // Presence is shared between people in an accepted conversation: a stranger's request is not enough.
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'p-1', body: 'hi' });
    const beforeAccept = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(beforeAccept.statuses).toEqual([{ handle: bob.handle, status: 'offline', lastSeenAt: null }]);
    await acceptRequest(nodeB, bob, first.message.roomId);

    const pulled = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(pulled.statuses).toEqual([{ handle: bob.handle, status: 'online', lastSeenAt: null }]);
    const rest = await api(nodeA.url, `/api/v1/presence?handles=${bob.handle},${alice.handle}`, { token: bob.token });
    expect(rest.body.statuses.map((s: PresenceStatus) => [s.handle, s.status]).sort()).toEqual(
      [[alice.handle, 'online'], [bob.handle, 'online']].sort(),
    );

    const events = collect<PresenceStatus>(aliceSocket, 'presence');
    // A second tab that closes does not make bob offline; a reload (close + reconnect within the grace) announces nothing.
    const bobSecond = await open(nodeA, bob);
    bobSecond.close();
    bobFirst.close();
    const bobAgain = await open(nodeA, bob);
    await presenceSentinel(alice, aliceSocket, events);
    expect(events.filter((e) => e.handle === bob.handle)).toEqual([]);

    const closedAt = Date.now();
    bobAgain.close();
    await waitFor(() => events.some((e) => e.handle === bob.handle && e.status === 'offline'));
    const offline = events.find((e) => e.handle === bob.handle)!;
    // Last seen when the last socket left, not when the grace period ran out: the event comes a grace
    // period after the disconnect, so a last-seen taken then would be later than this.
    const lastSeen = new Date(offline.lastSeenAt!).getTime();
    expect(lastSeen).toBeGreaterThanOrEqual(closedAt);
    expect(lastSeen).toBeLessThanOrEqual(offline.receivedAt - GRACE_MS);
    const afterwards = await api(nodeB.url, `/api/v1/presence?handles=${bob.handle}`, { token: alice.token });
    expect(afterwards.body.statuses[0]).toMatchObject({ status: 'offline', lastSeenAt: offline.lastSeenAt });

    await open(nodeB, bob);
    await waitFor(() => events.some((e) => e.handle === bob.handle && e.status === 'online'));
    const bad = await emitAck(aliceSocket, 'presence:query', { handles: 'bob' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await api(nodeA.url, '/api/v1/presence?handles=', { token: alice.token })).status).toBe(400);
  });

  it('marks the users of a killed node offline within the bound, and loses no message when they move', async () => {
    const nodeK = await startAppServer(PRESENCE_ENV);
    extraNodes.push(nodeK);
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const aliceSocket = await open(nodeA, alice);
    const bobOnK = await connect(nodeK.url, { token: bob.token });
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'k-1', body: 'before the crash' });
    await acceptRequest(nodeA, bob, first.message.roomId);
    const events = collect<PresenceStatus>(aliceSocket, 'presence');

    const killedAt = Date.now();
    await nodeK.stop('SIGKILL');
    // Really dead: no disconnect handler ran there; only the lapse sweep on the other nodes can notice.
    expect(nodeK.process.signalCode).toBe('SIGKILL');
    bobOnK.close();
    const deadline = killedAt + CRASH_BOUND_MS + CRASH_MARGIN_MS;
    await waitFor(() => events.some((e) => e.handle === bob.handle && e.status === 'offline'), deadline - Date.now(), 'bob offline within the crash bound');
    const offline = events.find((e) => e.handle === bob.handle && e.status === 'offline')!;
    expect(offline.receivedAt).toBeLessThanOrEqual(deadline);
    // Last seen at bob's last heartbeat on the dead node, which is before the kill.
    const lastSeen = new Date(offline.lastSeenAt!).getTime();
    expect(lastSeen).toBeLessThanOrEqual(killedAt);
    expect(lastSeen).toBeGreaterThan(killedAt - TTL_MS);

    const during = await emitAck(aliceSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'k-2', body: 'while you were away' });
    const bobOnB = await open(nodeB, bob);
    await waitFor(() => events.some((e) => e.handle === bob.handle && e.status === 'online'));
    const sync = await emitAck(bobOnB, 'room:sync', { roomId: first.message.roomId, afterSeq: 0 });
    expect(sync.messages.map((m: any) => m.id)).toEqual([first.message.id, during.message.id]);
  });

  it('gives every session of a user each message once, and signing one out cuts only that one', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const tokens = await Promise.all(
      [1, 2].map(() => api(nodeB.url, '/api/v1/tokens', { body: { username: bob.handle, password: bob.password } })),
    );
    const bobSessions = [
      await open(nodeA, bob),
      await open(nodeB, { ...bob, token: tokens[0].body.token }),
      await open(nodeB, { ...bob, token: tokens[1].body.token }),
    ];
    const inboxes = bobSessions.map(collectMessages);
    const aliceSocket = await open(nodeA, alice);
    const sent = [];
    for (let index = 1; index <= 3; index += 1) {
      sent.push((await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: `s-${index}`, body: `m${index}` })).message);
    }
    // A fourth message is the sentinel: once it is in, any second copy of the first three would be too.
    sent.push((await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 's-sentinel', body: 'sentinel' })).message);
    for (const inbox of inboxes) {
      await inbox.waitFor(4);
      expect(inbox.received).toEqual(sent);
    }

    const listed = await api(nodeA.url, '/api/v1/sessions', { token: tokens[0].body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions.length).toBeGreaterThanOrEqual(3);
    expect(listed.body.sessions.filter((s: any) => s.current)).toHaveLength(1);
    expect(Object.keys(listed.body.sessions[0]).sort()).toEqual(['createdAt', 'current', 'id', 'kind', 'lastSeenAt', 'userAgent']);

    // Sign out the session of tokens[1] (on node B) from the session of tokens[0].
    const victimToken = tokens[1].body.token;
    const victimId = (await api(nodeA.url, '/api/v1/sessions', { token: victimToken })).body.sessions.find((s: any) => s.current).id;
    const disconnected = new Promise<string>((resolve) => bobSessions[2].once('disconnect', resolve));
    expect((await api(nodeA.url, `/api/v1/sessions/${victimId}`, { method: 'DELETE', token: tokens[0].body.token })).status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    expect((await api(nodeB.url, '/api/v1/rooms', { token: victimToken })).status).toBe(401);
    await expect(connect(nodeB.url, { token: victimToken })).rejects.toThrow('unauthorized');
    expect(bobSessions[0].connected && bobSessions[1].connected).toBe(true);
    expect((await api(nodeA.url, '/api/v1/rooms', { token: tokens[0].body.token })).status).toBe(200);

    // Someone else's session cannot be ended, nor an unknown one.
    const aliceSession = (await api(nodeA.url, '/api/v1/sessions', { token: alice.token })).body.sessions[0].id;
    expect((await api(nodeA.url, `/api/v1/sessions/${aliceSession}`, { method: 'DELETE', token: bob.token })).status).toBe(404);
    expect((await api(nodeA.url, '/api/v1/sessions/nope', { method: 'DELETE', token: bob.token })).status).toBe(404);
  });
  // A reload that lands on another node just as the old node's grace period runs out races "nobody
  // is connected, so offline" there against "connected, so online" here. Whatever the interleaving,
  // a user who is connected must end up online for their peers, pulled and pushed. (The interleavings
  // themselves are forced one by one in presence-store.test.ts and unit/presence-tracker.test.ts.)
  it('ends online when a user keeps hopping between nodes right as the grace period runs out', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeB.url, 'bob')]);
    const aliceSocket = await open(nodeA, alice);
    let bobSocket = await open(nodeA, bob);
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'h-1', body: 'hop' });
    await acceptRequest(nodeA, bob, first.message.roomId);
    const events = collect<PresenceStatus>(aliceSocket, 'presence');

    for (let round = 0; round < 16; round += 1) {
      bobSocket.close();
      await sleep(GRACE_MS - 40 + Math.random() * 80);
      bobSocket = await open(round % 2 === 0 ? nodeB : nodeA, bob);
    }
    // Every grace timer has fired and every announcement has gone out.
    await presenceSentinel(alice, aliceSocket, events);
    const mine = events.filter((event) => event.handle === bob.handle);
    expect(mine.at(-1)?.status ?? 'online').toBe('online');
    const pulled = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(pulled.statuses).toEqual([{ handle: bob.handle, status: 'online', lastSeenAt: null }]);
    // And it still goes offline when he really leaves.
    bobSocket.close();
    await waitFor(() => events.at(-1)?.handle === bob.handle && events.at(-1)?.status === 'offline', 5_000, 'bob offline');
  });

  // disconnectSockets only reaches sockets that have joined their rooms; one that passed the handshake
  // just before its session ended and joined just after is in the same spot as these, whose session
  // (or user) is ended in the database behind their back.
  it('cuts sockets whose session or user was ended behind their back, though they send nothing', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob'), createUser(nodeA.url, 'carol')]);
    const aliceSocket = await open(nodeA, alice);
    const bobSocket = await open(nodeB, bob);
    const carolSocket = await open(nodeB, carol);
    const before = await emitAck(bobSocket, 'message:send', { to: alice.handle, clientMsgId: 'e-1', body: 'before' });
    expect(before.ok).toBe(true);
    const fromCarol = await emitAck(carolSocket, 'message:send', { to: alice.handle, clientMsgId: 'e-2', body: 'before' });
    expect(fromCarol.ok).toBe(true);

    // Ended by the rows alone: no node is told, so only the node's own looks at its sockets' sessions
    // (all of them every half recheck interval) can end these sockets.
    const cuts = [bobSocket, carolSocket].map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)));
    const endedAt = Date.now();
    await db.query('UPDATE "DeviceSession" SET "revokedAt" = now() WHERE id = $1', [await currentSessionId(nodeA, bob.token)]);
    await db.query('UPDATE "User" SET "bannedAt" = now() WHERE handle = $1', [carol.handle]);
    expect(await Promise.all(cuts)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(Date.now() - endedAt).toBeLessThan(SESSION_RECHECK_MS + 1_000);
    for (const roomId of [before.message.roomId, fromCarol.message.roomId]) {
      const history = await emitAck(aliceSocket, 'room:sync', { roomId, afterSeq: 0 });
      expect(history.messages.map((m: any) => m.body)).toEqual(['before']);
    }
  });

  it('cuts a socket whose session is ended on another node while it connects', async () => {
    const bob = await createUser(nodeA.url, 'bob');
    let connectedRounds = 0;
    for (let round = 0; round < 16; round += 1) {
      const token = (await api(nodeA.url, '/api/v1/tokens', { body: { username: bob.handle, password: bob.password } })).body.token;
      const sessionId = await currentSessionId(nodeA, token);
      // Either one may start first, by up to a few milliseconds, so the ending lands before, during and
      // after the handshake in different rounds.
      const offset = Math.random() * 40 - 20;
      const connecting = sleep(Math.max(0, offset)).then(() =>
        connectWatched(nodeB.url, { token }).then(
          (watched) => {
            sockets.push(watched.socket);
            return watched;
          },
          (error: Error) => error,
        ),
      );
      const ending = sleep(Math.max(0, -offset)).then(() => api(nodeA.url, `/api/v1/sessions/${sessionId}`, { method: 'DELETE', token: bob.token }));
      const [outcome, ended] = await Promise.all([connecting, ending]);
      expect(ended.status).toBe(200);
      if (outcome instanceof Error) {
        expect(outcome.message).toBe('unauthorized');
        continue;
      }
      connectedRounds += 1;
      // Cut without having to do anything: by disconnectSockets if it had joined its rooms by then, else
      // by its own look at the session right after joining.
      let timer: NodeJS.Timeout | undefined;
      const reason = await Promise.race([outcome.cut, new Promise((resolve) => (timer = setTimeout(() => resolve('still connected'), 3_000)))]);
      clearTimeout(timer);
      expect(reason).toBe('io server disconnect');
    }
    // Some rounds must have let the socket in, or the cut was never put to the test.
    expect(connectedRounds).toBeGreaterThan(0);
  });

  it('keeps the last seen of a session fresh while only its socket is open, at most once a minute', async () => {
    const bob = await createUser(nodeA.url, 'bob');
    const sessionId = await currentSessionId(nodeA, bob.token);
    // The socket's own looks at its session never touch it (only the heartbeat does), so it can be made
    // stale right away.
    await open(nodeB, bob);
    const stale = Date.now() - 5 * 60_000;
    await setSessionLastSeen(sessionId, stale);
    expect(await sessionLastSeen(sessionId)).toBe(stale);
    // No request and no handshake from it: node B's heartbeat (every ttl/3) is what marks it.
    await waitFor(async () => (await sessionLastSeen(sessionId)) > Date.now() - 60_000, 5_000, 'session last seen touched');

    // The sentinel: another session on node B, made stale at the same moment, is touched by the next
    // heartbeat; once it is, that heartbeat has also passed over bob's session, which it must leave alone.
    const carol = await createUser(nodeA.url, 'carol');
    const carolSessionId = await currentSessionId(nodeA, carol.token);
    await open(nodeB, carol);
    const recent = Date.now() - 30_000;
    await Promise.all([setSessionLastSeen(sessionId, recent), setSessionLastSeen(carolSessionId, stale)]);
    await waitFor(async () => (await sessionLastSeen(carolSessionId)) > Date.now() - 60_000, 5_000, "the sentinel session's last seen touched");
    expect(await sessionLastSeen(sessionId)).toBe(recent);
  });
});
