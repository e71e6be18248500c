import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { collect, MAIN_ENV, safetyHelpers, send } from '../helpers/safety-kit';
import { TEST_DATABASE_URL } from '../helpers/services';
import { acquaint, selfSentinel } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Message requests: a first direct message from a stranger waits for the recipient's consent.
let server: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, roomIds, requestRoomIds } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  server = await startAppServer(MAIN_ENV);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('message requests', () => {
  it('puts a first message from a stranger in /requests, not /rooms, until accepted', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice', 'Alice Asks'), createUser(server.url, 'bob')]);
    const first = await send(await open(alice), { to: bob.handle, clientMsgId: 'r1', body: 'hi stranger' });
    expect(first.ok).toBe(true);
    const roomId = first.message.roomId;

    expect(await roomIds(bob)).not.toContain(roomId);
    expect(await roomIds(alice)).toContain(roomId);
    const requests = await api(server.url, '/api/v1/requests', { token: bob.token });
    expect(requests.status).toBe(200);
    expect(requests.body.requests).toEqual([
      { roomId, from: { handle: alice.handle, displayName: 'Alice Asks', avatarUrl: null }, lastMessage: first.message, createdAt: expect.any(String) },
    ]);
    expect(await requestRoomIds(alice)).toEqual([]);

    const bobSocket = await open(bob);
    const updated = collect(bobSocket, 'room:updated');
    expect(await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await roomIds(bob)).toContain(roomId);
    expect(await requestRoomIds(bob)).toEqual([]);
    await waitFor(() => updated.some((event) => event.roomId === roomId), 5000, 'room:updated after accepting');
    // Nothing left to accept or ignore.
    expect((await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).status).toBe(404);
    expect((await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(404);
  });

  it('ignoring takes it off the list without telling the sender; it can still be accepted later', async () => {
    const [carol, bob] = await Promise.all([createUser(server.url, 'carol'), createUser(server.url, 'bob')]);
    const carolSocket = await open(carol);
    const first = await send(carolSocket, { to: bob.handle, clientMsgId: 'i1', body: 'psst' });
    const roomId = first.message.roomId;
    const carolUpdates = collect(carolSocket, 'room:updated');

    expect(await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await requestRoomIds(bob)).toEqual([]);
    expect(await roomIds(bob)).not.toContain(roomId);
    // The sender sees nothing change.
    expect(await roomIds(carol)).toContain(roomId);
    await selfSentinel(server.url, carol, carolSocket);
    expect(carolUpdates).toEqual([]);
    expect((await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(404);
    // Bob can look back at what he ignored; Carol cannot see that he did.
    const ignored = async (user: { token: string }) => (await api(server.url, '/api/v1/requests?status=ignored', { token: user.token })).body;
    expect(await ignored(bob)).toEqual({ requests: [{ roomId, from: { handle: carol.handle, displayName: expect.any(String), avatarUrl: null }, lastMessage: expect.objectContaining({ body: 'psst' }), createdAt: expect.any(String) }] });
    expect(await ignored(carol)).toEqual({ requests: [] });
    expect(await api(server.url, '/api/v1/requests?status=maybe', { token: bob.token })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });

    expect((await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).status).toBe(200);
    expect(await roomIds(bob)).toContain(roomId);
    expect(await ignored(bob)).toEqual({ requests: [] });
  });

  it('keeps a request out of search and Mentions until it is accepted, pending or ignored', async () => {
    const [stranger, bob] = await Promise.all([createUser(server.url, 'stranger'), createUser(server.url, 'bob')]);
    const strangerSocket = await open(stranger);
    const first = await send(strangerSocket, { to: bob.handle, clientMsgId: 'f1', body: `unicorn offer @${bob.handle}` });
    const roomId = first.message.roomId;
    const found = async () => {
      const [search, mentions] = await Promise.all([
        api(server.url, '/api/v1/search?q=unicorn', { token: bob.token }),
        api(server.url, '/api/v1/mentions', { token: bob.token }),
      ]);
      expect([search.status, mentions.status]).toEqual([200, 200]);
      return { search: search.body.results.length, mentions: mentions.body.results.length };
    };
    expect(await found()).toEqual({ search: 0, mentions: 0 });
    expect((await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(200);
    expect((await send(strangerSocket, { roomId, clientMsgId: 'f2', body: `unicorn again @${bob.handle}` })).ok).toBe(true);
    expect(await found()).toEqual({ search: 0, mentions: 0 });
    // The stranger finds their own words all along; once bob accepts, so does he.
    expect((await api(server.url, '/api/v1/search?q=unicorn', { token: stranger.token })).body.results).toHaveLength(2);
    expect((await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).status).toBe(200);
    expect(await found()).toEqual({ search: 2, mentions: 2 });
  });

  // As an accept, a reply tells both sides (room:updated): the sender's open view then shows the
  // recipient's presence and receipts, which it could not before.
  it('replying accepts it, by roomId or by handle, and tells both sides as accepting does', async () => {
    const [dave, erin, bob] = await Promise.all([createUser(server.url, 'dave'), createUser(server.url, 'erin'), createUser(server.url, 'bob')]);
    const bobSocket = await open(bob);
    const [daveSocket, erinSocket] = await Promise.all([open(dave), open(erin)]);
    const fromDave = await send(daveSocket, { to: bob.handle, clientMsgId: 'x1', body: 'hey' });
    const fromErin = await send(erinSocket, { to: bob.handle, clientMsgId: 'x1', body: 'yo' });
    expect((await requestRoomIds(bob)).sort()).toEqual([fromDave.message.roomId, fromErin.message.roomId].sort());
    // Erin's is ignored first: a reply accepts that too.
    expect((await api(server.url, `/api/v1/requests/${fromErin.message.roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(200);
    const [daveUpdates, erinUpdates, bobUpdates] = [collect(daveSocket, 'room:updated'), collect(erinSocket, 'room:updated'), collect(bobSocket, 'room:updated')];

    // By roomId: the group-commit path; by handle: the careful one.
    expect((await send(bobSocket, { roomId: fromDave.message.roomId, clientMsgId: 'y1', body: 'hi dave' })).ok).toBe(true);
    expect((await send(bobSocket, { to: erin.handle, clientMsgId: 'y2', body: 'hi erin' })).ok).toBe(true);
    expect(await requestRoomIds(bob)).toEqual([]);
    expect(await roomIds(bob)).toEqual(expect.arrayContaining([fromDave.message.roomId, fromErin.message.roomId]));
    await waitFor(() => daveUpdates.some((event) => event.roomId === fromDave.message.roomId), 5000, "room:updated to Dave after Bob's reply");
    await waitFor(() => erinUpdates.some((event) => event.roomId === fromErin.message.roomId), 5000, "room:updated to Erin after Bob's reply");
    await waitFor(() => bobUpdates.filter((event) => [fromDave.message.roomId, fromErin.message.roomId].includes(event.roomId)).length >= 2, 5000, 'room:updated to Bob');

    // A later reply, with nothing left to accept, tells nobody: Bob's next message (the sentinel) reaches
    // Dave with no room:updated before it.
    const before = daveUpdates.length;
    const daveGets = collect(daveSocket, 'message:new');
    expect((await send(bobSocket, { roomId: fromDave.message.roomId, clientMsgId: 'y3', body: 'again' })).ok).toBe(true);
    expect((await send(bobSocket, { roomId: fromDave.message.roomId, clientMsgId: 'y4', body: 'sentinel' })).ok).toBe(true);
    await waitFor(() => daveGets.some((event) => event.message.clientMsgId === 'y4'), 5000, 'the sentinel');
    expect(daveUpdates.length).toBe(before);
  });

  it('two strangers writing each other first at the same moment both end up in one accepted conversation', async () => {
    // A race: each pair's two first messages are sent at once; before the fix about half the pairs left one side a request.
    const pairs = await Promise.all(Array.from({ length: 6 }, async () => Promise.all([createUser(server.url, 'eager'), createUser(server.url, 'keen')])));
    await Promise.all(
      pairs.map(async ([one, other]) => {
        const [oneSocket, otherSocket] = await Promise.all([open(one), open(other)]);
        const [fromOne, fromOther] = await Promise.all([
          send(oneSocket, { to: other.handle, clientMsgId: 'both', body: 'hi there' }),
          send(otherSocket, { to: one.handle, clientMsgId: 'both', body: 'oh hi' }),
        ]);
        expect(fromOne.ok && fromOther.ok).toBe(true);
        const roomId = fromOne.message.roomId;
        expect(fromOther.message.roomId).toBe(roomId);
        // Each wrote in it: a reply accepts a request, so neither holds one.
        for (const user of [one, other]) {
          expect(await roomIds(user), user.handle).toEqual([roomId]);
          expect(await requestRoomIds(user), user.handle).toEqual([]);
        }
      }),
    );
  });

  it('is not a request between people who share a group', async () => {
    const [owner, erin, frank] = await Promise.all([createUser(server.url, 'owner'), createUser(server.url, 'erin'), createUser(server.url, 'frank')]);
    await createGroup(owner, 'friends', [erin, frank]);
    const direct = await send(await open(erin), { to: frank.handle, clientMsgId: 'f1', body: 'hi frank' });
    expect(await roomIds(frank)).toContain(direct.message.roomId);
    expect(await requestRoomIds(frank)).toEqual([]);
  });

  it('cannot be answered by someone else, nor for a room that is not a request', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const first = await send(await open(alice), { to: bob.handle, clientMsgId: 'o1', body: 'hi' });
    for (const answer of ['accept', 'ignore']) {
      expect((await api(server.url, `/api/v1/requests/${first.message.roomId}/${answer}`, { token: carol.token, body: {} })).status).toBe(404);
      // The sender's own side is not a request.
      expect((await api(server.url, `/api/v1/requests/${first.message.roomId}/${answer}`, { token: alice.token, body: {} })).status).toBe(404);
      expect((await api(server.url, `/api/v1/requests/no-such-room/${answer}`, { token: bob.token, body: {} })).status).toBe(404);
    }
    expect(await requestRoomIds(bob)).toEqual([first.message.roomId]);
  });

  it('sends the stranger no receipts before the request is accepted, so they cannot tell the recipient is online', async () => {
    const [stranger, bob] = await Promise.all([createUser(server.url, 'stranger'), createUser(server.url, 'bob')]);
    const strangerSocket = await open(stranger);
    const bobSocket = await open(bob);
    const receipts = collect(strangerSocket, 'receipt');
    const bobInbox = collectMessages(bobSocket);
    const first = await send(strangerSocket, { to: bob.handle, clientMsgId: 'rq1', body: 'are you there?' });
    const roomId = first.message.roomId;
    await bobInbox.waitFor(1);

    // What the web client does when a message arrives, and what a catch-up does: both count as delivered.
    expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq: first.message.seq })).toEqual({ ok: true });
    expect(await emitAck(bobSocket, 'room:sync', { roomId, afterSeq: 0 })).toMatchObject({ ok: true, messages: [first.message] });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const cursor = await client.query('SELECT rm."deliveredSeq", rm.request FROM "RoomMember" rm JOIN "User" u ON u.id = rm."userId" WHERE rm."roomId" = $1 AND u.handle = $2', [roomId, bob.handle]);
    await client.end();
    expect(cursor.rows).toEqual([{ deliveredSeq: 0, request: 'pending' }]);
    // Reading it in the request view moves bob's own unread count, and still tells the stranger nothing.
    expect(await emitAck(bobSocket, 'room:read', { roomId, seq: first.message.seq })).toEqual({ ok: true, unread: 0 });
    await selfSentinel(server.url, stranger, strangerSocket);
    expect(receipts).toEqual([]);
    const asSeen = (await api(server.url, '/api/v1/rooms', { token: stranger.token })).body.rooms.find((room: any) => room.id === roomId);
    expect(asSeen.members.find((member: any) => member.handle === bob.handle)).toMatchObject({ readSeq: 0, deliveredSeq: 0 });

    // Once accepted, receipts flow as usual.
    await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} });
    const second = await send(strangerSocket, { roomId, clientMsgId: 'rq2', body: 'thanks' });
    expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq: second.message.seq })).toEqual({ ok: true });
    await waitFor(() => receipts.some((r) => r.reader === bob.handle && r.kind === 'delivered' && r.seq === second.message.seq), 5000, 'delivered after accepting');
  });

  it('shows neither side presence to the other until accepted', async () => {
    const [alice, bob, friend] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'friend')]);
    // A friend of bob's sees his presence: it tells when an announcement would have gone out.
    await acquaint(server.url, friend, bob);
    const friendPresence = collect(await open(friend), 'presence');
    const aliceSocket = await open(alice);
    const bobSocket = await open(bob);
    const first = await send(aliceSocket, { to: bob.handle, clientMsgId: 'p1', body: 'hello' });
    const alicePresence = collect(aliceSocket, 'presence');

    // Pushed: bob going away and coming back is not announced to the stranger.
    bobSocket.close();
    await waitFor(() => friendPresence.some((e) => e.handle === bob.handle && e.status === 'offline'), 5000, 'the friend sees bob offline');
    const bobAgain = await open(bob);
    await waitFor(() => friendPresence.some((e) => e.handle === bob.handle && e.status === 'online'), 5000, 'the friend sees bob online');
    await selfSentinel(server.url, alice, aliceSocket);
    expect(alicePresence.filter((event) => event.handle === bob.handle)).toEqual([]);

    // Pulled: queries do not reveal it either, in both directions.
    const hidden = (statuses: any[], handle: string) => statuses.every((s) => s.handle !== handle || (s.status === 'offline' && s.lastSeenAt === null));
    const aliceAsks = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(hidden(aliceAsks.statuses, bob.handle), JSON.stringify(aliceAsks.statuses)).toBe(true);
    const bobAsks = await api(server.url, `/api/v1/presence?handles=${alice.handle}`, { token: bob.token });
    expect(hidden(bobAsks.body.statuses, alice.handle), JSON.stringify(bobAsks.body.statuses)).toBe(true);

    await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { token: bob.token, body: {} });
    const afterAccept = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(afterAccept.statuses).toEqual([{ handle: bob.handle, status: 'online', lastSeenAt: null }]);
    bobAgain.close();
    await waitFor(() => alicePresence.some((event) => event.handle === bob.handle && event.status === 'offline'), 5000, 'bob offline after accepting');
  });

  it('passes the recipient\'s typing to the stranger only once the request is accepted', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
    const { roomId } = (await send(aliceSocket, { to: bob.handle, clientMsgId: 't1', body: 'hello' })).message;
    const aliceTyping = collect(aliceSocket, 'typing');

    expect(await emitAck(bobSocket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    await selfSentinel(server.url, alice, aliceSocket);
    expect(aliceTyping).toEqual([]);

    await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} });
    expect(await emitAck(bobSocket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    await waitFor(() => aliceTyping.length > 0, 5000, 'bob typing after accepting');
    expect(aliceTyping).toEqual([{ roomId, handle: bob.handle, typing: true }]);
  });
});
