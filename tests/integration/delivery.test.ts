import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Exactly-once, ordered delivery against real server processes, Postgres and Redis.
let nodeA: AppServer;
let nodeB: AppServer;
const sockets: TestSocket[] = [];

async function open(node: AppServer, user: TestUser) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function history(node: AppServer, user: TestUser, roomId: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const page = await api(node.url, `/api/v1/rooms/${roomId}/messages?limit=200&afterSeq=${all.at(-1)?.seq ?? 0}`, { token: user.token });
    all.push(...page.body.messages);
    if (!page.body.hasMore) return all;
  }
}

/** A direct room both have accepted (the recipient replies), so nothing is a pending request. */
async function directRoom(node: AppServer, a: TestUser, b: TestUser) {
  const first = await api(node.url, '/api/v1/tokens', { body: { username: a.handle, password: a.password } });
  const socketA = await open(node, { ...a, token: first.body.token });
  const opened = await emitAck(socketA, 'message:send', { to: b.handle, clientMsgId: 'open', body: 'hello' });
  const socketB = await open(node, b);
  await emitAck(socketB, 'message:send', { roomId: opened.message.roomId, clientMsgId: 'open', body: 'hi' });
  return opened.message.roomId as string;
}

const seqsOf = (messages: ChatMessage[]) => messages.map((message) => message.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

beforeAll(async () => {
  [nodeA, nodeB] = await Promise.all([startAppServer(), startAppServer()]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
});

describe('ordering', () => {
  it('gives two senders hammering one room from different sockets and nodes seqs 1..N, no gaps, no duplicates', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const roomId = await directRoom(nodeA, alice, bob);
    const aliceSocket = await open(nodeA, alice);
    const bobSocket = await open(nodeB, bob);
    const perSender = 100;
    const sends = [];
    for (let index = 0; index < perSender; index += 1) {
      sends.push(emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: `a-${index}`, body: `alice ${index}` }));
      sends.push(emitAck(bobSocket, 'message:send', { roomId, clientMsgId: `b-${index}`, body: `bob ${index}` }));
    }
    const acks = await Promise.all(sends);
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const ackSeqs = acks.map((ack) => ack.message.seq).sort((x, y) => x - y);
    expect(ackSeqs).toEqual(range(3, 2 * perSender + 2));

    const stored = await history(nodeB, bob, roomId);
    expect(seqsOf(stored)).toEqual(range(1, 2 * perSender + 2));
    // Each sender's own messages keep the order they were sent in.
    const aliceOrder = stored.filter((message) => message.sender === alice.handle && message.clientMsgId.startsWith('a-'));
    expect(aliceOrder.map((message) => message.body)).toEqual(range(0, perSender - 1).map((index) => `alice ${index}`));
  });
});

describe('exactly once', () => {
  it('stores one message when the ack is lost and the client retries the clientMsgId on a new connection', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const roomId = await directRoom(nodeA, alice, bob);
    const doomed = await open(nodeA, alice);
    // The send is stored, but its ack never reaches the client: it is thrown away and the connection
    // drops. (Dropping the connection right after emitting would race Socket.io itself, which ignores
    // an event whose socket closed before the event was dispatched: then nothing is stored, and the
    // client's outbox simply sends it again.)
    doomed.emit('message:send', { roomId, clientMsgId: 'lost-ack', body: 'did this arrive?' }, () => {});
    await waitFor(async () => (await history(nodeA, alice, roomId)).some((message) => message.clientMsgId === 'lost-ack'));
    doomed.disconnect();

    const retry = await open(nodeB, alice);
    const again = await emitAck(retry, 'message:send', { roomId, clientMsgId: 'lost-ack', body: 'did this arrive?' });
    const stored = (await history(nodeA, bob, roomId)).filter((message) => message.clientMsgId === 'lost-ack');
    expect(stored).toHaveLength(1);
    expect(again.message).toEqual(stored[0]);
    // The same over REST: the retry answers with the stored message.
    const viaRest = await api(nodeA.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'lost-ack', body: 'did this arrive?' } });
    expect(viaRest.status).toBe(201);
    expect(viaRest.body.message).toEqual(stored[0]);
  });

  it('brings a client that missed 100 messages up to date exactly once, in order, while more arrive during its catch-up', async () => {
    const [alice, bob] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob')]);
    const roomId = await directRoom(nodeA, alice, bob);
    const bobHeld = await history(nodeA, bob, roomId);
    const lastSeen = bobHeld.at(-1)!.seq;
    const aliceSocket = await open(nodeA, alice);
    for (let index = 0; index < 100; index += 1) {
      await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: `away-${index}`, body: `while away ${index}` });
    }

    // Bob reconnects (to the other node): live messages are collected from the start, the catch-up
    // pages through room:sync in small pages, and alice keeps sending during it.
    const bobSocket = await open(nodeB, bob);
    const live = collectMessages(bobSocket);
    const caughtUp: ChatMessage[] = [];
    let afterSeq = lastSeen;
    let duringCatchUp = 0;
    for (;;) {
      const page = await emitAck(bobSocket, 'room:sync', { roomId, afterSeq, limit: 15 });
      expect(page.ok).toBe(true);
      caughtUp.push(...page.messages);
      if (duringCatchUp < 5) {
        await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: `during-${duringCatchUp}`, body: `during ${duringCatchUp}` });
        duringCatchUp += 1;
      }
      if (!page.hasMore) break;
      afterSeq = page.messages.at(-1).seq;
    }
    const lastSeq = (await history(nodeA, alice, roomId)).at(-1)!.seq;
    await waitFor(() => live.received.some((message) => message.seq === lastSeq) || caughtUp.some((message) => message.seq === lastSeq));

    // What a client does: merge catch-up and live by id, order by seq.
    const merged = [...new Map([...caughtUp, ...live.received].map((message) => [message.id, message])).values()].sort((x, y) => x.seq - y.seq);
    expect(seqsOf(merged)).toEqual(range(lastSeen + 1, lastSeq));
    expect(merged.filter((message) => message.clientMsgId.startsWith('away-'))).toHaveLength(100);
    expect(merged.filter((message) => message.clientMsgId.startsWith('during-'))).toHaveLength(5);
    expect(new Set(merged.map((message) => message.clientMsgId)).size).toBe(merged.length);
  });
});

describe('receipts and unread', () => {
  it('keeps unread counts and receipts right across two sessions of one user and three users in a group', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(nodeA.url, 'alice'), createUser(nodeA.url, 'bob'), createUser(nodeA.url, 'carol')]);
    // Acquainted first, so the group takes them in without invites (issue 12).
    for (const member of [bob, carol]) await acquaint(nodeA.url, alice, member);
    const group = await api(nodeA.url, '/api/v1/groups', { token: alice.token, body: { name: 'trio', members: [bob.handle, carol.handle] } });
    const roomId = group.body.room.id;
    const aliceSocket = await open(nodeA, alice);
    const bobTab1 = await open(nodeA, bob);
    const bobToken2 = (await api(nodeB.url, '/api/v1/tokens', { body: { username: bob.handle, password: bob.password } })).body.token;
    const bobTab2 = await open(nodeB, { ...bob, token: bobToken2 });
    const carolSocket = await open(nodeB, carol);
    const events = (socket: TestSocket, event: string) => {
      const received: any[] = [];
      (socket as any).on(event, (payload: unknown) => received.push(payload));
      return received;
    };
    const unreadTab1 = events(bobTab1, 'unread');
    const unreadTab2 = events(bobTab2, 'unread');
    const receiptsAlice = events(aliceSocket, 'receipt');
    const receiptsCarol = events(carolSocket, 'receipt');
    const receiptsBob = events(bobTab2, 'receipt');

    const sent: ChatMessage[] = [];
    for (const body of ['one', 'two', 'three']) sent.push((await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: body, body })).message);
    const unreadFor = async (user: TestUser) =>
      (await api(nodeA.url, '/api/v1/rooms', { token: user.token })).body.rooms.find((room: any) => room.id === roomId).unread;
    expect([await unreadFor(alice), await unreadFor(bob), await unreadFor(carol)]).toEqual([0, 3, 3]);

    // Delivered to carol's session: alice and bob are told, carol is not.
    expect(await emitAck(carolSocket, 'room:delivered', { roomId, seq: sent[2].seq })).toEqual({ ok: true });
    await waitFor(() => receiptsAlice.some((r) => r.kind === 'delivered' && r.reader === carol.handle && r.seq === sent[2].seq));

    // Bob reads up to "two" in one tab: both of his tabs get the new count (with the cursor it was
    // counted against), the others get a receipt.
    expect(await emitAck(bobTab1, 'room:read', { roomId, seq: sent[1].seq })).toEqual({ ok: true, unread: 1 });
    const countedAtTwo = (u: any) => u.roomId === roomId && u.count === 1 && u.readSeq === sent[1].seq;
    await waitFor(() => unreadTab1.some(countedAtTwo) && unreadTab2.some(countedAtTwo));
    await waitFor(() => receiptsAlice.some((r) => r.kind === 'read' && r.reader === bob.handle && r.seq === sent[1].seq));
    await waitFor(() => receiptsCarol.some((r) => r.kind === 'read' && r.reader === bob.handle));
    expect(receiptsBob.filter((r) => r.reader === bob.handle)).toEqual([]);
    expect([await unreadFor(bob), await unreadFor(carol)]).toEqual([1, 3]);

    // Cursors never move back, and never past the last message.
    expect(await emitAck(bobTab2, 'room:read', { roomId, seq: 1 })).toEqual({ ok: true, unread: 1 });
    const rest = await api(nodeB.url, `/api/v1/rooms/${roomId}/read`, { token: bob.token, body: { seq: 10_000 } });
    expect(rest.body).toEqual({ unread: 0 });
    const members = (await api(nodeA.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((room: any) => room.id === roomId).members;
    const bobCursor = members.find((member: any) => member.handle === bob.handle);
    expect(bobCursor).toMatchObject({ readSeq: sent[2].seq, deliveredSeq: sent[2].seq });
    expect(members.find((member: any) => member.handle === carol.handle)).toMatchObject({ readSeq: 0, deliveredSeq: sent[2].seq });
    // "Read by 1 of 2" for alice's last message: bob has read it, carol has not.
    expect(members.filter((member: any) => member.handle !== alice.handle && member.readSeq >= sent[2].seq)).toHaveLength(1);
  });

  it('rejects malformed sync, read and delivered payloads with bad_request', async () => {
    const alice = await createUser(nodeA.url, 'alice');
    const socket = await open(nodeA, alice);
    for (const [event, payload] of [
      ['room:sync', { roomId: 'x', afterSeq: -1 }],
      ['room:sync', { roomId: 'x', afterSeq: 0, limit: 201 }],
      ['room:read', { roomId: 'x', seq: 'one' }],
      ['room:delivered', { roomId: 'x' }],
      ['room:read', { roomId: 'x', seq: 1, extra: true }],
    ] as const) {
      const reply = await emitAck(socket, event, payload);
      expect(reply, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });
});
