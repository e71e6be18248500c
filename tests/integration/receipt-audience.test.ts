import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { collect, createGroupOfAcquaintances, selfSentinel } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Who gets a receipt (server/safety/visibility.ts, rule 2): every other member in a room of up to
// RECEIPTS_TO_ALL_MAX_MEMBERS, and in a bigger one only the members who sent a message the receipt newly
// covers, the only ones whose client shows it. A group of 1,000 otherwise pays members² per message.
const TO_ALL_MAX_MEMBERS = 3;

describe('receipt audience by room size', () => {
  let server: AppServer;
  const sockets: TestSocket[] = [];
  const open = async (user: TestUser) => {
    const socket = await connect(server.url, { token: user.token });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startAppServer({ RECEIPTS_TO_ALL_MAX_MEMBERS: String(TO_ALL_MAX_MEMBERS) });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('in a bigger group, a read receipt reaches only the senders of the messages it covers', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server.url, name)));
    const room = await createGroupOfAcquaintances(server.url, alice, 'big', [bob, carol, dave]);
    const [aliceSocket, bobSocket, carolSocket, daveSocket] = await Promise.all([alice, bob, carol, dave].map(open));
    const [toAlice, toCarol, toDave] = [aliceSocket, carolSocket, daveSocket].map((socket) => collect<Receipt>(socket, 'receipt'));
    const fromAlice = await emitAck(aliceSocket, 'message:send', { roomId: room.id, clientMsgId: 'a1', body: 'from alice' });
    const fromCarol = await emitAck(carolSocket, 'message:send', { roomId: room.id, clientMsgId: 'c1', body: 'from carol' });
    const [aliceSeq, carolSeq] = [fromAlice.message.seq as number, fromCarol.message.seq as number];

    // Bob reads alice's message, then carol's (within one window: the second is its trailing edge).
    expect(await emitAck(bobSocket, 'room:read', { roomId: room.id, seq: aliceSeq })).toMatchObject({ ok: true });
    await waitFor(() => toAlice.some((r) => r.reader === bob.handle && r.kind === 'read' && r.seq === aliceSeq), 10_000, "alice's receipt");
    expect(await emitAck(bobSocket, 'room:read', { roomId: room.id, seq: carolSeq })).toMatchObject({ ok: true });
    await waitFor(() => toCarol.some((r) => r.reader === bob.handle && r.kind === 'read' && r.seq === carolSeq), 10_000, "carol's receipt");

    // Carol's receipt was sent after the one for alice's message; alice's and dave's copies of it, if
    // any, went in the same broadcast: the sentinels come after all of them.
    await Promise.all([selfSentinel(server.url, alice, aliceSocket), selfSentinel(server.url, dave, daveSocket)]);
    expect(toAlice.filter((r) => r.reader === bob.handle).map((r) => r.seq)).toEqual([aliceSeq]);
    expect(toCarol.filter((r) => r.reader === bob.handle).map((r) => r.seq)).toEqual([carolSeq]);
    expect(toDave).toEqual([]);
  });

  it('in a group of up to the limit, every other member gets every receipt', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => createUser(server.url, name)));
    const room = await createGroupOfAcquaintances(server.url, alice, 'small', [bob, carol]);
    const [aliceSocket, bobSocket, carolSocket] = await Promise.all([alice, bob, carol].map(open));
    const [toAlice, toCarol] = [aliceSocket, carolSocket].map((socket) => collect<Receipt>(socket, 'receipt'));
    const sent = await emitAck(aliceSocket, 'message:send', { roomId: room.id, clientMsgId: 'a1', body: 'from alice' });
    const seq = sent.message.seq as number;

    expect(await emitAck(bobSocket, 'room:read', { roomId: room.id, seq })).toMatchObject({ ok: true });
    const bobsRead = (r: Receipt) => r.reader === bob.handle && r.kind === 'read' && r.seq === seq;
    await waitFor(() => toAlice.some(bobsRead) && toCarol.some(bobsRead), 10_000, 'both receipts');
  });
});
