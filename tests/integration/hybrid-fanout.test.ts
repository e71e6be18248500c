import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { collect, createGroupOfAcquaintances } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Hybrid fan-out, on a real server whose threshold every group crosses (HYBRID_FANOUT_ABOVE=1): a hot
// room's messages go live to the tabs showing it, and as a coalesced room:advanced to everyone else.
// A second node shares Postgres and Redis: what it publishes reaches the first one's sockets the same way.
let server: AppServer;
let nodeB: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  [server, nodeB] = await Promise.all([startAppServer({ HYBRID_FANOUT_ABOVE: '1' }), startAppServer({ HYBRID_FANOUT_ABOVE: '1' })]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([server?.stop(), nodeB?.stop()]);
});

async function open(user: TestUser, node = server) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

const view = async (socket: TestSocket, roomId: string | null) =>
  expect(await emitAck(socket, 'view:state', { roomId, visible: true, focused: true })).toEqual({ ok: true });

// Everything the user may see after `afterSeq`, paged the way a client catches up.
async function syncAll(socket: TestSocket, roomId: string, afterSeq = 0): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (;;) {
    const reply = await emitAck(socket, 'room:sync', { roomId, afterSeq });
    expect(reply.ok).toBe(true);
    messages.push(...reply.messages);
    if (!reply.hasMore) return messages;
    afterSeq = reply.messages.at(-1).seq;
  }
}

async function sendBurst(socket: TestSocket, roomId: string, prefix: string, count: number): Promise<ChatMessage[]> {
  const acks = await Promise.all(
    Array.from({ length: count }, (_, index) => emitAck(socket, 'message:send', { roomId, clientMsgId: `${prefix}${index}`, body: `${prefix} ${index}` })),
  );
  expect(acks.every((ack) => ack.ok)).toBe(true);
  return acks.map((ack) => ack.message as ChatMessage).sort((a, b) => a.seq - b.seq);
}

const ids = (messages: ChatMessage[]) => messages.map((message) => message.id);
// What a person wrote (the group's system messages left out).
const fromSender = (messages: ChatMessage[], handle: string) => messages.filter((message) => message.kind === 'text' && message.sender === handle);

describe('hybrid fan-out in a hot room', () => {
  it('a viewer gets every message live, a non-viewer room:advanced and converges by room:sync; switching loses nothing; a blocker gets nothing', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server.url, name)));
    const room = await createGroupOfAcquaintances(server.url, alice, 'hot', [bob, carol, dave]);
    expect((await api(server.url, '/api/v1/blocks', { token: dave.token, body: { handle: alice.handle } })).status).toBe(201);
    const [aliceSocket, bobSocket, carolSocket, daveSocket] = await Promise.all([alice, bob, carol, dave].map((user) => open(user)));
    const bobInbox = collectMessages(bobSocket);
    const carolInbox = collectMessages(carolSocket);
    const daveInbox = collectMessages(daveSocket);
    const bobAdvanced = collect<{ roomId: string; lastSeq: number }>(bobSocket, 'room:advanced');
    const carolAdvanced = collect<{ roomId: string; lastSeq: number }>(carolSocket, 'room:advanced');
    // Bob and Dave (who blocked Alice) show the room; Carol shows another conversation.
    await Promise.all([view(bobSocket, room.id), view(daveSocket, room.id), view(carolSocket, null)]);

    const burst = await sendBurst(aliceSocket, room.id, 'a', 30);
    const lastSeq = burst.at(-1)!.seq;
    // The viewer: every message, live and in order.
    await waitFor(() => bobInbox.received.length >= burst.length, 10_000, 'bob gets the burst');
    expect(ids(bobInbox.received)).toEqual(ids(burst));
    // The non-viewer: a few coalesced announcements, the last of them with the final seq.
    await waitFor(() => carolAdvanced.some((event) => event.roomId === room.id && event.lastSeq === lastSeq), 10_000, 'carol hears of the last seq');
    const carolRoomAdvances = carolAdvanced.filter((event) => event.roomId === room.id);
    expect(carolRoomAdvances.length).toBeLessThan(burst.length);

    // Carol opens the room: from now on she gets messages live. The sentinel, sent after the burst,
    // is the first message:new she gets: none of the burst came to her live.
    await view(carolSocket, room.id);
    const [sentinel] = await sendBurst(aliceSocket, room.id, 's', 1);
    await waitFor(() => carolInbox.received.length > 0, 10_000, 'carol gets the sentinel live');
    expect(ids(carolInbox.received)).toEqual([sentinel.id]);
    // …and pulls what she missed: exactly the messages, once each, in order.
    expect(ids(fromSender(await syncAll(carolSocket, room.id), alice.handle))).toEqual(ids([...burst, sentinel]));

    // Bob looks away, a burst goes by, he looks back: announced, not pushed, then live again.
    await view(bobSocket, null);
    const away = await sendBurst(aliceSocket, room.id, 'b', 10);
    await waitFor(() => bobAdvanced.some((event) => event.roomId === room.id && event.lastSeq === away.at(-1)!.seq), 10_000, 'bob hears of the burst');
    await view(bobSocket, room.id);
    const [back] = await sendBurst(aliceSocket, room.id, 't', 1);
    await waitFor(() => bobInbox.received.some((message) => message.id === back.id), 10_000, 'bob gets the message live again');
    expect(ids(bobInbox.received)).toEqual(ids([...burst, sentinel, back]));
    // His catch-up from the last message he held live closes the gap: together, everything, once.
    const caughtUp = await syncAll(bobSocket, room.id, sentinel.seq);
    const held = new Map([...bobInbox.received, ...caughtUp].map((message) => [message.id, message]));
    expect(ids(fromSender([...held.values()].sort((a, b) => a.seq - b.seq), alice.handle))).toEqual(ids([...burst, sentinel, ...away, back]));

    // Dave shows the room but blocked Alice: none of hers, live or by sync. Carol's message is the sentinel.
    const [fromCarol] = await sendBurst(carolSocket, room.id, 'c', 1);
    await waitFor(() => daveInbox.received.length > 0, 10_000, 'dave gets carol live');
    expect(ids(daveInbox.received)).toEqual([fromCarol.id]);
    expect(fromSender(await syncAll(daveSocket, room.id), alice.handle)).toEqual([]);
  });

  it('across nodes: the tab showing the room gets each message live, the same user\'s other tab only room:advanced', async () => {
    const [alice, carol] = await Promise.all(['alice', 'carol'].map((name) => createUser(server.url, name)));
    const room = await createGroupOfAcquaintances(server.url, alice, 'hot across', [carol]);
    // Alice sends through node B; Carol has one tab on each node, the one on A showing the room.
    const [aliceSocket, carolShowing, carolElsewhere] = await Promise.all([open(alice, nodeB), open(carol), open(carol, nodeB)]);
    const showingInbox = collectMessages(carolShowing);
    const elsewhereInbox = collectMessages(carolElsewhere);
    const elsewhereAdvanced = collect<{ roomId: string; lastSeq: number }>(carolElsewhere, 'room:advanced');
    const showingAdvanced = collect<{ roomId: string; lastSeq: number }>(carolShowing, 'room:advanced');
    await Promise.all([view(carolShowing, room.id), view(carolElsewhere, null)]);

    const burst = await sendBurst(aliceSocket, room.id, 'x', 20);
    await waitFor(() => showingInbox.received.length >= burst.length, 10_000, 'the showing tab gets the burst');
    expect(ids(showingInbox.received)).toEqual(ids(burst));
    await waitFor(() => elsewhereAdvanced.some((event) => event.lastSeq === burst.at(-1)!.seq), 10_000, 'the other tab hears of the last seq');
    // The other tab now shows it too; the sentinel is the first message it gets live.
    await view(carolElsewhere, room.id);
    const [sentinel] = await sendBurst(aliceSocket, room.id, 'y', 1);
    await waitFor(() => elsewhereInbox.received.length > 0 && showingInbox.received.length > burst.length, 10_000, 'both tabs get the sentinel');
    expect(ids(elsewhereInbox.received)).toEqual([sentinel.id]);
    // The showing tab was never told to pull (the heartbeat aside, which says only what it already holds).
    expect(showingAdvanced.filter((event) => event.lastSeq > sentinel.seq)).toEqual([]);
    expect(ids(fromSender(await syncAll(carolElsewhere, room.id), alice.handle))).toEqual(ids([...burst, sentinel]));
  });
});
