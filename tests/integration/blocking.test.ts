import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { collect, MAIN_ENV, safetyHelpers, send } from '../helpers/safety-kit';
import { selfSentinel } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Blocking: nothing passes between two people when either has blocked the other.
let server: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, history, requestRoomIds } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  server = await startAppServer(MAIN_ENV);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('blocking', () => {
  it('lists, refuses bad targets and unblocks', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal', 'Mal Reynolds')]);
    const blocked = await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle.toUpperCase() } });
    expect(blocked.status).toBe(201);
    expect(blocked.body).toEqual({ blocked: { handle: mal.handle, displayName: 'Mal Reynolds', avatarUrl: null } });
    // Blocking twice is harmless.
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } })).status).toBe(201);
    const list = await api(server.url, '/api/v1/blocks', { token: alice.token });
    expect(list.body).toEqual({ blocks: [{ handle: mal.handle, displayName: 'Mal Reynolds', avatarUrl: null, createdAt: expect.any(String) }] });
    expect((await api(server.url, '/api/v1/blocks', { token: mal.token })).body).toEqual({ blocks: [] });

    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: alice.handle } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: 'no_such_user_here' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: 'x!' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle, extra: 1 } })).status).toBe(400);

    const aliceSocket = await open(alice);
    expect(await send(aliceSocket, { to: mal.handle, clientMsgId: 'u0', body: 'blocked' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api(server.url, `/api/v1/blocks/${mal.handle}`, { method: 'DELETE', token: alice.token })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token })).body.blocks).toEqual([]);
    expect((await api(server.url, `/api/v1/blocks/${mal.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(404);
    // Unblocked: messages flow again, both ways.
    const again = await send(aliceSocket, { to: mal.handle, clientMsgId: 'u1', body: 'friends again' });
    expect(again.ok).toBe(true);
    expect((await send(await open(mal), { roomId: again.message.roomId, clientMsgId: 'u2', body: 'ok' })).ok).toBe(true);
  });

  it('takes back presence from the person blocked, and tells them once unblocked to fetch the conversations they share again (cursors show again), nobody else', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const shared = await createGroup(alice, 'shared', [mal, carol]);
    await createGroup(alice, 'not mal', [carol]);
    const [malSocket, carolSocket] = await Promise.all([open(mal), open(carol)]);
    const malPresence = collect(malSocket, 'presence');
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } })).status).toBe(201);
    // No presence passes across a block: mal's view of alice's status from before is taken back.
    await waitFor(() => malPresence.some((event) => event.handle === alice.handle), 5000, 'mal told alice is not known');
    expect(malPresence.filter((event) => event.handle === alice.handle)).toEqual([{ handle: alice.handle, status: 'offline', lastSeenAt: null }]);
    const malUpdated = collect(malSocket, 'room:updated');
    const carolUpdated = collect(carolSocket, 'room:updated');
    expect((await api(server.url, `/api/v1/blocks/${mal.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(200);
    await waitFor(() => malUpdated.length > 0, 5000, 'mal told');
    // And alice's status again, as a query would answer it (a group is all they share: no list asks).
    await waitFor(() => malPresence.filter((event) => event.handle === alice.handle).length === 2, 5000, "mal told alice's status");
    expect(malPresence.filter((event) => event.handle === alice.handle)[1]).toEqual({ handle: alice.handle, status: 'offline', lastSeenAt: null });
    await Promise.all([selfSentinel(server.url, mal, malSocket), selfSentinel(server.url, carol, carolSocket)]);
    expect(malUpdated).toEqual([{ roomId: shared }]);
    expect(carolUpdated).toEqual([]);

    // Someone who never saw alice's presence learns nothing of a block or an unblock.
    const eve = await createUser(server.url, 'eve');
    const eveSocket = await open(eve);
    const eveHears = [...['presence', 'room:updated'].map((event) => collect(eveSocket, event))];
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: eve.handle } })).status).toBe(201);
    expect((await api(server.url, `/api/v1/blocks/${eve.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(200);
    await selfSentinel(server.url, eve, eveSocket);
    expect(eveHears).toEqual([[], []]);
  });

  it('settles a pending request from the blocked person', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal')]);
    const malSocket = await open(mal);
    const first = await send(malSocket, { to: alice.handle, clientMsgId: 'q1', body: 'buy my stuff' });
    expect(await requestRoomIds(alice)).toEqual([first.message.roomId]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    expect(await requestRoomIds(alice)).toEqual([]);
    expect(await send(malSocket, { roomId: first.message.roomId, clientMsgId: 'q2', body: 'hello?' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await history(mal, first.message.roomId)).map((m) => m.clientMsgId)).toEqual(['q1']);
    // And the blocker's view of the conversation leaves the blocked person's messages out.
    expect(await history(alice, first.message.roomId)).toEqual([]);
  });

  it('in a shared group, the blocker gets nothing the blocked person writes: live, history, sync, unread', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'shared', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const aliceSocket = await open(alice);
    const carolSocket = await open(carol);
    const malSocket = await open(mal);
    const aliceInbox = collectMessages(aliceSocket);
    const carolInbox = collectMessages(carolSocket);

    const fromMal = await send(malSocket, { roomId: groupId, clientMsgId: 'm1', body: 'from mal' });
    const fromCarol = await send(carolSocket, { roomId: groupId, clientMsgId: 'c1', body: 'from carol' });
    const fromMal2 = await send(malSocket, { roomId: groupId, clientMsgId: 'm2', body: 'mal again' });
    expect([fromMal, fromCarol, fromMal2].every((ack) => ack.ok)).toBe(true);

    await waitFor(() => carolInbox.received.some((m) => m.id === fromMal2.message.id), 5000, 'carol gets mal');
    await waitFor(() => aliceInbox.received.some((m) => m.id === fromCarol.message.id), 5000, 'alice gets carol');
    // Sentinel: emitted to alice after mal's last message was broadcast (or not).
    await selfSentinel(server.url, alice, aliceSocket);
    expect(aliceInbox.received.filter((m) => m.sender === mal.handle)).toEqual([]);

    const aliceHistory = await history(alice, groupId);
    expect(aliceHistory.filter((m) => m.sender === mal.handle)).toEqual([]);
    expect(aliceHistory.map((m) => m.id)).toContain(fromCarol.message.id);
    expect((await history(carol, groupId)).map((m) => m.id)).toEqual(expect.arrayContaining([fromMal.message.id, fromMal2.message.id]));

    const sync = await emitAck(aliceSocket, 'room:sync', { roomId: groupId, afterSeq: 0 });
    expect(sync.ok).toBe(true);
    expect(sync.messages.filter((m: any) => m.sender === mal.handle)).toEqual([]);
    expect(sync.messages.map((m: any) => m.id)).toContain(fromCarol.message.id);

    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === groupId);
    expect(room.unread).toBe(1);
    // The blocked person still sees the group and the others in it.
    expect((await history(mal, groupId)).map((m) => m.id)).toContain(fromCarol.message.id);
  });

  it('hides from the blocker what a reply quotes of the blocked person: live, on edit, history, sync, search', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'quotes', [alice, mal]);
    const [aliceSocket, carolSocket, malSocket] = await Promise.all([open(alice), open(carol), open(mal)]);
    const original = await send(malSocket, { roomId: groupId, clientMsgId: 'q1', body: 'mal original words' });
    expect(original.ok).toBe(true);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const aliceNew = collectMessages(aliceSocket);
    const aliceUpdated = collect(aliceSocket, 'message:updated');
    const carolUpdated = collect(carolSocket, 'message:updated');

    const reply = await send(carolSocket, { roomId: groupId, clientMsgId: 'q2', body: 'carol quotes mal', replyToId: original.message.id });
    expect(reply.ok).toBe(true);
    // Carol, the sender, sees the quote; Alice gets the reply with the quote hidden.
    expect(reply.message.replyTo).toMatchObject({ sender: mal.handle, excerpt: 'mal original words', deleted: false });
    const hidden = { id: original.message.id, seq: original.message.seq, sender: '', excerpt: '', deleted: false, hidden: true };
    await waitFor(() => aliceNew.received.some((m) => m.id === reply.message.id), 5000, 'alice gets the reply');
    expect(aliceNew.received.find((m) => m.id === reply.message.id)!.replyTo).toEqual(hidden);

    // Mal edits the original: Carol's copy of the reply takes the new words, Alice's stays hidden.
    expect((await emitAck(malSocket, 'message:edit', { messageId: original.message.id, body: 'mal edited secret' })).ok).toBe(true);
    await waitFor(() => carolUpdated.some((u) => u.message.id === reply.message.id && u.message.replyTo?.excerpt === 'mal edited secret'), 5000, 'carol sees the new quote');
    await selfSentinel(server.url, alice, aliceSocket);
    const everythingAliceGot = JSON.stringify([aliceNew.received, aliceUpdated]);
    expect(everythingAliceGot).not.toContain('mal original');
    expect(everythingAliceGot).not.toContain('mal edited');

    const inHistory = (await history(alice, groupId)).find((m) => m.id === reply.message.id);
    expect(inHistory.replyTo).toEqual(hidden);
    const sync = await emitAck(aliceSocket, 'room:sync', { roomId: groupId, afterSeq: 0 });
    expect(sync.messages.find((m: any) => m.id === reply.message.id).replyTo).toEqual(hidden);
    const found = await api(server.url, `/api/v1/search?q=quotes&roomId=${groupId}`, { token: alice.token });
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.body)).not.toContain('mal edited');
    // Everyone else still sees it: Mal in history too.
    expect((await history(mal, groupId)).find((m) => m.id === reply.message.id).replyTo.excerpt).toBe('mal edited secret');

    // Mal deletes the original: Carol's quote says so; Alice's stays hidden (who deleted what is Mal's too).
    expect((await emitAck(malSocket, 'message:delete', { messageId: original.message.id })).ok).toBe(true);
    await waitFor(() => carolUpdated.some((u) => u.message.id === reply.message.id && u.message.replyTo?.deleted), 5000, 'carol sees the quote deleted');
    await selfSentinel(server.url, alice, aliceSocket);
    for (const update of aliceUpdated.filter((u) => u.message.id === reply.message.id)) expect(update.message.replyTo).toEqual(hidden);
    expect((await history(alice, groupId)).find((m) => m.id === reply.message.id).replyTo).toEqual(hidden);
  });

  it('cuts a quote at 120 characters without splitting an emoji', async () => {
    const [alice, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'long', [alice]);
    const [aliceSocket, carolSocket] = await Promise.all([open(alice), open(carol)]);
    const long = await send(carolSocket, { roomId: groupId, clientMsgId: 'e1', body: `${'a'.repeat(118)}😀 and more` });
    const reply = await send(aliceSocket, { roomId: groupId, clientMsgId: 'e2', body: 'replying', replyToId: long.message.id });
    expect(reply.message.replyTo.excerpt).toBe(`${'a'.repeat(118)}…`);
    expect(/[\uD800-\uDFFF]/.test(reply.message.replyTo.excerpt)).toBe(false);
  });

  it('does not show the blocked person’s message as the last message in the blocker’s room list', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'last word', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const hidden = await send(await open(mal), { roomId: groupId, clientMsgId: 'last', body: 'the hidden last word' });
    expect(hidden.ok).toBe(true);
    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === groupId);
    expect(room.lastMessage?.sender).not.toBe(mal.handle);
    expect(JSON.stringify(room)).not.toContain('the hidden last word');
  });

  it('leaves the blocked person’s direct messages out of unread counts, in rooms and contacts', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal')]);
    const malSocket = await open(mal);
    const first = await send(malSocket, { to: alice.handle, clientMsgId: 'c1', body: 'one' });
    await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { token: alice.token, body: {} });
    await send(malSocket, { roomId: first.message.roomId, clientMsgId: 'c2', body: 'two' });
    expect((await api(server.url, '/api/v1/contacts', { token: alice.token })).body.contacts).toEqual([
      expect.objectContaining({ handle: mal.handle, unread: 2 }),
    ]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === first.message.roomId);
    expect(room.unread).toBe(0);
    const contacts = (await api(server.url, '/api/v1/contacts', { token: alice.token })).body.contacts;
    expect(contacts.filter((c: any) => c.handle === mal.handle && c.unread > 0)).toEqual([]);
  });

  it('passes neither presence nor typing between them, while others get both', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'watchers', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const aliceSocket = await open(alice);
    const carolSocket = await open(carol);
    const alicePresence = collect(aliceSocket, 'presence');
    const carolPresence = collect(carolSocket, 'presence');
    const aliceTyping = collect(aliceSocket, 'typing');
    const carolTyping = collect(carolSocket, 'typing');

    const malSocket = await open(mal);
    const malPresence = collect(malSocket, 'presence');
    const malTyping = collect(malSocket, 'typing');
    await waitFor(() => carolPresence.some((e) => e.handle === mal.handle && e.status === 'online'), 5000, 'carol sees mal online');

    expect(await emitAck(malSocket, 'typing', { roomId: groupId, typing: true })).toEqual({ ok: true });
    expect(await emitAck(aliceSocket, 'typing', { roomId: groupId, typing: true })).toEqual({ ok: true });
    await waitFor(() => carolTyping.some((e) => e.handle === mal.handle) && carolTyping.some((e) => e.handle === alice.handle), 5000, 'carol sees both typing');
    // Sentinels on both sides: whatever was emitted to them before has arrived.
    await Promise.all([selfSentinel(server.url, alice, aliceSocket), selfSentinel(server.url, mal, malSocket)]);
    expect(alicePresence.filter((e) => e.handle === mal.handle)).toEqual([]);
    expect(aliceTyping.filter((e) => e.handle === mal.handle)).toEqual([]);
    expect(malTyping.filter((e) => e.handle === alice.handle)).toEqual([]);

    // Alice goes away: carol is told, mal is not.
    aliceSocket.close();
    await waitFor(() => carolPresence.some((e) => e.handle === alice.handle && e.status === 'offline'), 5000, 'carol sees alice offline');
    await selfSentinel(server.url, mal, malSocket);
    expect(malPresence.filter((e) => e.handle === alice.handle)).toEqual([]);
  });
});
