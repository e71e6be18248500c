import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '@/lib/schemas';
import { Prisma } from '@/server/db/generated/client';
import { markDelivered } from '@/server/receipts/mark-delivered';
import { markRead } from '@/server/receipts/mark-read';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { type InProcessRealtime, insertUser, startInProcessRealtime } from '../helpers/in-process-runtime';
import { collect, createGroupOfAcquaintances } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Receipt batching (docs/performance.md): reports are written many to a statement, and each member's
// receipt goes out at most once per window per room and kind, the final value always among them.
const WINDOW_MS = 250;
const PER_ROOM = 30;
const UNREAD_LEFT = 5;
const STALE_BY = 7;

const shuffled = <T>(items: T[]) => items.map((item) => [Math.random(), item] as const).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
// The bursts below are far beyond what the web client sends (it coalesces): the socket throttle stays out of the way.
const ROOMY_THROTTLE = { SOCKET_EVENT_BURST: '1000' };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('receipt batching across real server processes', () => {
  let nodeA: AppServer;
  let nodeB: AppServer;
  const sockets: TestSocket[] = [];
  const open = async (node: AppServer, user: TestUser) => {
    const token = (await api(node.url, '/api/v1/tokens', { body: { username: user.handle, password: user.password } })).body.token;
    const socket = await connect(node.url, { token });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    [nodeA, nodeB] = await Promise.all([startAppServer(ROOMY_THROTTLE), startAppServer(ROOMY_THROTTLE)]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  /** Three groups of alice and bob, each with PER_ROOM messages from alice; the last seq of each. */
  async function busyRooms(alice: TestUser, bob: TestUser, aliceSocket: TestSocket) {
    const rooms = [];
    for (const name of ['one', 'two', 'three']) rooms.push((await createGroupOfAcquaintances(nodeA.url, alice, name, [bob])).id as string);
    return Promise.all(
      rooms.map(async (roomId) => {
        const acks = await Promise.all(range(1, PER_ROOM).map((n) => emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: `m${n}`, body: `message ${n}` })));
        return { roomId, lastSeq: Math.max(...acks.map((ack) => ack.message.seq as number)) };
      }),
    );
  }

  /**
   * What a receiving client without coalescing reports, all at once: each message delivered as it comes,
   * each read up to UNREAD_LEFT short of the end, and stale reports (a slower tab) mixed in.
   */
  const burst = (socket: TestSocket, rooms: { roomId: string; lastSeq: number }[]) => {
    const reports: [string, { roomId: string; seq: number }][] = [];
    for (const offset of range(0, PER_ROOM - 1)) {
      for (const { roomId, lastSeq } of rooms) {
        const seq = lastSeq - PER_ROOM + 1 + offset;
        reports.push(['room:delivered', { roomId, seq }]);
        if (offset >= STALE_BY) reports.push(['room:delivered', { roomId, seq: seq - STALE_BY }], ['room:read', { roomId, seq: seq - STALE_BY }]);
        if (seq <= lastSeq - UNREAD_LEFT) reports.push(['room:read', { roomId, seq }]);
      }
    }
    return Promise.all(reports.map(([event, payload]) => emitAck(socket, event, payload)));
  };

  const cursorsOf = async (viewer: TestUser, reader: TestUser, roomId: string) => {
    const room = (await api(nodeA.url, '/api/v1/rooms', { token: viewer.token })).body.rooms.find((r: any) => r.id === roomId);
    const { readSeq, deliveredSeq } = room.members.find((member: any) => member.handle === reader.handle);
    return { readSeq, deliveredSeq, unread: room.unread };
  };

  it('cursors end at the highest report, never go back, and the sender gets the final receipt of each kind, at most one per window', async () => {
    const [alice, bob, mallory] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob'), createUser(nodeA.url, 'mallory')]);
    const aliceSocket = await open(nodeB, alice);
    const bobSocket = await open(nodeA, bob);
    const mallorySocket = await open(nodeA, mallory);
    const rooms = await busyRooms(alice, bob, aliceSocket);
    const receipts = collect<Receipt>(aliceSocket, 'receipt');
    const of = (roomId: string, kind: Receipt['kind']) => receipts.filter((r) => r.roomId === roomId && r.reader === bob.handle && r.kind === kind).map((r) => r.seq);

    const startedAt = Date.now();
    // A non-member's reports, in the same batches as bob's: refused as for a room that does not exist.
    const [acks, intruder] = await Promise.all([
      burst(bobSocket, rooms),
      Promise.all(rooms.map(({ roomId, lastSeq }) => emitAck(mallorySocket, 'room:read', { roomId, seq: lastSeq }))),
    ]);
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    expect(new Set(intruder.map((ack) => ack.error?.code))).toEqual(new Set(['not_found']));
    for (const { roomId, lastSeq } of rooms) {
      await waitFor(() => of(roomId, 'delivered').includes(lastSeq) && of(roomId, 'read').includes(lastSeq - UNREAD_LEFT), 10_000, `bob's final receipts in ${roomId}`);
    }
    const elapsed = Date.now() - startedAt;

    // Late and out-of-order reports (another tab, a slow network) move nothing back, and the read ack still counts.
    for (const { roomId } of rooms) {
      expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq: 1 })).toEqual({ ok: true });
      expect(await emitAck(bobSocket, 'room:read', { roomId, seq: 1 })).toEqual({ ok: true, unread: UNREAD_LEFT });
    }
    for (const { roomId, lastSeq } of rooms) {
      expect(await cursorsOf(alice, bob, roomId)).toMatchObject({ readSeq: lastSeq - UNREAD_LEFT, deliveredSeq: lastSeq });
      expect(await cursorsOf(bob, bob, roomId)).toMatchObject({ unread: UNREAD_LEFT });
    }

    // The sentinel: a new message, delivered and read. Whatever bob's node sent alice before its receipts
    // has arrived by then, in order (one node's emits reach a socket in the order they were made).
    const sentinels = await Promise.all(rooms.map(({ roomId }) => emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'sentinel', body: 'one more' })));
    for (const ack of sentinels) {
      const { roomId, seq } = ack.message;
      // One after the other: a read in the same batch would carry the delivery (no separate receipt).
      expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq })).toEqual({ ok: true });
      expect(await emitAck(bobSocket, 'room:read', { roomId, seq })).toMatchObject({ ok: true });
    }
    for (const [index, { roomId, lastSeq }] of rooms.entries()) {
      const sentinel = sentinels[index].message.seq;
      await waitFor(() => of(roomId, 'delivered').includes(sentinel) && of(roomId, 'read').includes(sentinel), 10_000, `the sentinel receipts in ${roomId}`);
      for (const [kind, final] of [['delivered', lastSeq], ['read', lastSeq - UNREAD_LEFT]] as const) {
        const seqs = of(roomId, kind);
        // Never back, never twice; the burst's final value, then the sentinel's and nothing else.
        expect(seqs, `${kind} in ${roomId}`).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(seqs.slice(-2)).toEqual([final, sentinel]);
        // The burst's receipts: the first at once, then at most one per window; far fewer than the
        // cursor's moves (one per message, each reported in order).
        expect(seqs.length - 1).toBeLessThanOrEqual(2 + Math.ceil(elapsed / WINDOW_MS));
        expect(seqs.length - 1).toBeLessThan((PER_ROOM - UNREAD_LEFT) / 2);
      }
    }
  });

  it('two nodes batching reports for the same members at once end at the same cursors and tell the sender', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const aliceSocket = await open(nodeA, alice);
    const [bobOnA, bobOnB] = await Promise.all([open(nodeA, bob), open(nodeB, bob)]);
    const rooms = await busyRooms(alice, bob, aliceSocket);
    const receipts = collect<Receipt>(aliceSocket, 'receipt');

    // Both nodes lock the same rows in the same (key) order: no deadlock, every report answered.
    const acks = (await Promise.all([burst(bobOnA, rooms), burst(bobOnB, rooms)])).flat();
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    for (const { roomId, lastSeq } of rooms) {
      expect(await cursorsOf(alice, bob, roomId)).toMatchObject({ readSeq: lastSeq - UNREAD_LEFT, deliveredSeq: lastSeq });
      await waitFor(
        () => ['delivered', 'read'].every((kind) => receipts.some((r) => r.roomId === roomId && r.kind === kind && r.seq === (kind === 'read' ? lastSeq - UNREAD_LEFT : lastSeq))),
        10_000,
        `both final receipts in ${roomId}`,
      );
    }
  });
});

describe('receipt batching inside one node', () => {
  let app: InProcessRealtime;
  beforeAll(async () => {
    app = await startInProcessRealtime();
  });
  afterAll(async () => app?.close());

  const actorOf = (user: Awaited<ReturnType<typeof insertUser>>) => ({ userId: user.id, handle: user.handle, displayName: user.displayName, avatarId: null, sessionId: 'test', role: 'user', createdAt: user.createdAt });
  // $queryRaw takes a template's parts, or one Prisma.Sql (as the cursor batch goes: its first value is the reports' room ids).
  const sqlText = (args: unknown[]) => (args[0] instanceof Prisma.Sql ? args[0].sql : (args[0] as string[]).join('?'));
  const cursorBatch = (args: unknown[]) => (args[0] instanceof Prisma.Sql && sqlText(args).includes('FOR NO KEY UPDATE OF rm') ? args[0] : null);
  const isCursorBatch = (args: unknown[]) => cursorBatch(args) !== null;

  it('writes the reports that arrive together in one statement, keeping the membership, clamp and request rules', async () => {
    const [alice, bob, carol, mallory] = await Promise.all(['alice', 'bob', 'carol', 'mallory'].map((name) => insertUser(app.db, name)));
    const group = await app.db.room.create({ data: { kind: 'group', lastSeq: 40, members: { create: [alice, bob].map((u) => ({ userId: u.id })) } } });
    // Alice's 40 messages; after bob's read (20), 18 count as unread: not the system event (25) nor the removed one (30).
    await app.db.message.createMany({
      data: range(1, 40).map((seq) => ({
        roomId: group.id, seq, senderId: alice.id, clientMsgId: `c${seq}`, body: `m${seq}`,
        kind: seq === 25 ? 'system' : 'text', deletedAt: seq === 30 ? new Date() : null,
      })),
    });
    // carol has not accepted alice's message request: her reads count for her, her deliveries are not recorded.
    const request = await app.db.room.create({
      data: { kind: 'direct', lastSeq: 3, members: { create: [{ userId: alice.id }, { userId: carol.id, request: 'pending' }] } },
    });
    const statements: unknown[][] = [];
    const others: unknown[][] = [];
    const stopWatching = app.watched.onCall('$queryRaw', (args) => (isCursorBatch(args) ? statements : others).push(args));

    // Every report made in one tick: out of order, beyond the last message, by a non-member.
    const reports = [
      ...shuffled(range(1, 35)).map((seq) => markDelivered(actorOf(bob), group.id, seq)),
      markDelivered(actorOf(bob), group.id, 1000),
      ...shuffled(range(1, 20)).map((seq) => markRead(actorOf(bob), group.id, seq)),
      markDelivered(actorOf(carol), request.id, 3),
      markRead(actorOf(carol), request.id, 2),
      markRead(actorOf(mallory), group.id, 5).catch((error: { code?: string }) => error.code),
    ];
    const results = await Promise.all(reports);
    stopWatching();
    // The unread counts the reads answer with came from that statement too: no count query of their own.
    expect(statements).toHaveLength(1);
    expect(others.filter((args) => sqlText(args).includes('AS unread'))).toEqual([]);
    expect(results.at(-1)).toBe('not_found');
    expect(results.slice(36, 56)).toEqual(Array(20).fill({ unread: 18 }));
    const unreadToBob = app.sent.filter((b) => b.event === 'unread' && b.userIds.includes(bob.id)).map((b) => b.payload);
    expect(new Set(unreadToBob.map((payload) => JSON.stringify(payload)))).toEqual(new Set([JSON.stringify({ roomId: group.id, count: 18, readSeq: 20, mentions: 0 })]));
    const cursors = await app.db.roomMember.findMany({ where: { roomId: { in: [group.id, request.id] } }, select: { userId: true, readSeq: true, deliveredSeq: true } });
    expect(cursors.find((c) => c.userId === bob.id)).toMatchObject({ readSeq: 20, deliveredSeq: 40 });
    // Read drags delivered along, as before (the stranger sees neither: docs/security.md).
    expect(cursors.find((c) => c.userId === carol.id)).toMatchObject({ readSeq: 2, deliveredSeq: 2 });

    // One receipt per kind for the whole batch; nothing to anyone from carol.
    const receiptsTo = (userId: string) => app.sent.filter((b) => b.event === 'receipt' && b.userIds.includes(userId)).map((b) => b.payload as Receipt);
    await waitFor(() => receiptsTo(alice.id).length >= 2, 5_000, 'the batch receipts');
    // The sentinel: one more message, delivered. Its receipt goes at the window's end (or at once if the
    // window has closed); a second receipt for the batch would have gone before it.
    await app.db.room.update({ where: { id: group.id }, data: { lastSeq: 41 } });
    await markDelivered(actorOf(bob), group.id, 41);
    await waitFor(() => receiptsTo(alice.id).some((r) => r.seq === 41), 5_000, 'the trailing receipt');
    expect(receiptsTo(alice.id).map(({ kind, seq }) => [kind, seq]).sort()).toEqual([['delivered', 40], ['delivered', 41], ['read', 20]]);
    expect(receiptsTo(alice.id).filter((r) => r.reader === carol.handle)).toEqual([]);
  });

  it('splits a crowd of reports into statements of at most 100 (MAX_CURSOR_BATCH), each report answered from its own', async () => {
    // A group whose members all read its newest message at once, as a big group does after each message.
    const sender = await insertUser(app.db, 'crowdsender');
    const readers = await Promise.all(range(1, 150).map((n) => insertUser(app.db, `crowd${n}`)));
    const group = await app.db.room.create({ data: { kind: 'group', lastSeq: 3, members: { create: [sender, ...readers].map((u) => ({ userId: u.id })) } } });
    await app.db.message.createMany({ data: range(1, 3).map((seq) => ({ roomId: group.id, seq, senderId: sender.id, clientMsgId: `c${seq}`, body: `m${seq}` })) });
    const batchSizes: number[] = [];
    const stopWatching = app.watched.onCall('$queryRaw', (args) => void (isCursorBatch(args) && batchSizes.push((cursorBatch(args)!.values[0] as string[]).length)));
    // Reader n reads up to 1, 2 or 3: each answer must be that reader's own count.
    const readTo = (index: number) => (index % 3) + 1;
    const results = await Promise.all(readers.map((reader, index) => markRead(actorOf(reader), group.id, readTo(index))));
    stopWatching();
    expect(batchSizes).toEqual([100, 50]);
    expect(results).toEqual(readers.map((_, index) => ({ unread: 3 - readTo(index) })));
    const cursors = await app.db.roomMember.findMany({ where: { roomId: group.id, userId: { in: readers.map((r) => r.id) } }, select: { userId: true, readSeq: true } });
    expect(new Map(cursors.map((c) => [c.userId, c.readSeq]))).toEqual(new Map(readers.map((reader, index) => [reader.id, readTo(index)])));
  });
});
