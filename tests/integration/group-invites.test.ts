import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint, collect } from '../helpers/social';
import { TEST_DATABASE_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';

// Consent through groups (issue 12): someone who shares no accepted conversation with the person
// adding them is invited, and is not a member (sees and shows nothing) until they accept.
let server: AppServer;
const sockets: TestSocket[] = [];

async function open(user: TestUser) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}
const send = (socket: TestSocket, payload: unknown) => emitAck(socket, 'message:send', payload);
const invitesOf = async (user: TestUser) => (await api(server.url, '/api/v1/requests', { token: user.token })).body.invites as any[];
const roomIdsOf = async (user: TestUser) => (await api(server.url, '/api/v1/rooms', { token: user.token })).body.rooms.map((room: any) => room.id);
const users = (...prefixes: string[]) => Promise.all(prefixes.map((prefix) => createUser(server.url, prefix)));

beforeAll(async () => {
  server = await startAppServer({ PRESENCE_GRACE_MS: '100' });
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('group invites', () => {
  it('invites a stranger instead of adding them: nothing flows either way until they accept', async () => {
    const [owner, friend, stranger, strangersFriend] = await users('owner', 'friend', 'stranger', 'sfriend');
    await acquaint(server.url, owner, friend);
    await acquaint(server.url, strangersFriend, stranger);
    const [ownerSocket, friendSocket, strangerSocket, sentinelSocket] = [await open(owner), await open(friend), await open(stranger), await open(strangersFriend)];
    const strangerInbox = collectMessages(strangerSocket);
    const strangerTyping = collect(strangerSocket, 'typing');
    const ownerTyping = collect(ownerSocket, 'typing');
    const ownerPresence = collect(ownerSocket, 'presence');
    const strangersFriendPresence = collect(sentinelSocket, 'presence');

    const created = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Picnic', members: [friend.handle, stranger.handle] } });
    expect(created.status).toBe(201);
    const roomId = created.body.room.id;
    expect(created.body.room.members.map((m: any) => m.handle).sort()).toEqual([owner.handle, friend.handle].sort());
    expect(created.body.room.lastMessage.body).not.toContain(stranger.handle);

    // Listed with the requests, answerable; not a room of theirs.
    expect(await invitesOf(stranger)).toEqual([{ roomId, name: 'Picnic', from: { handle: owner.handle, displayName: owner.handle, avatarUrl: null }, createdAt: expect.any(String) }]);
    expect(await roomIdsOf(stranger)).not.toContain(roomId);
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token })).body.users.map((u: any) => u.handle)).not.toContain(stranger.handle);

    // Nothing reaches the invitee: messages, typing. The sentinel is a message sent after them that does arrive.
    expect((await send(ownerSocket, { roomId, clientMsgId: 'g1', body: 'before you joined' })).ok).toBe(true);
    expect(await emitAck(ownerSocket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    expect((await send(sentinelSocket, { to: stranger.handle, clientMsgId: 'sentinel-1', body: 'sentinel' })).ok).toBe(true);
    await waitFor(() => strangerInbox.received.some((m) => m.body === 'sentinel'), 5000, 'the sentinel');
    expect(strangerInbox.received.map((m) => m.body)).toEqual(['sentinel']);
    expect(strangerTyping).toEqual([]);

    // Nor can the invitee act in the group: not a member.
    expect(await send(strangerSocket, { roomId, clientMsgId: 's1', body: 'hi' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await emitAck(strangerSocket, 'typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await emitAck(strangerSocket, 'room:read', { roomId, seq: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: stranger.token })).status).toBe(404);

    // Presence: neither side sees the other's, pushed or asked for.
    const hidden = { handle: stranger.handle, status: 'offline', lastSeenAt: null };
    expect((await emitAck(ownerSocket, 'presence:query', { handles: [stranger.handle] })).statuses).toEqual([hidden]);
    strangerSocket.close();
    await waitFor(() => strangersFriendPresence.some((p) => p.handle === stranger.handle && p.status === 'offline'), 5000, 'the stranger offline, to a peer');
    const strangerAgain = await open(stranger);
    await waitFor(() => strangersFriendPresence.some((p) => p.handle === stranger.handle && p.status === 'online'), 5000, 'the stranger online, to a peer');
    // Sentinel for presence: the friend (a peer) goes away after the stranger did, and that is announced.
    friendSocket.close();
    await waitFor(() => ownerPresence.some((p) => p.handle === friend.handle && p.status === 'offline'), 5000, "the friend's offline");
    expect(ownerPresence.filter((p) => p.handle === stranger.handle)).toEqual([]);

    // Accepted: a member from now on, starting at the present, and the group sees "… joined".
    const ownerInbox = collectMessages(ownerSocket);
    expect(await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: stranger.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    await ownerInbox.waitFor(1);
    expect(ownerInbox.received[0]).toMatchObject({ kind: 'system', sender: stranger.handle, body: `${stranger.handle} joined` });
    expect(await invitesOf(stranger)).toEqual([]);
    const asSeen = (await api(server.url, '/api/v1/rooms', { token: stranger.token })).body.rooms.find((room: any) => room.id === roomId);
    expect(asSeen).toMatchObject({ unread: 0, members: expect.arrayContaining([expect.objectContaining({ handle: stranger.handle })]) });
    // What was sent before them is not theirs to receipt: the list says where they came in (founders: 0).
    const joinedSeq = Object.fromEntries(asSeen.members.map((member: any) => [member.handle, member.joinedSeq]));
    expect(joinedSeq).toEqual({ [owner.handle]: 0, [friend.handle]: 0, [stranger.handle]: ownerInbox.received[0].seq - 1 });
    expect(await emitAck(strangerAgain, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    await waitFor(() => ownerTyping.some((t) => t.handle === stranger.handle), 5000, 'typing after accepting');
    expect((await emitAck(ownerSocket, 'presence:query', { handles: [stranger.handle] })).statuses).toEqual([{ handle: stranger.handle, status: 'online', lastSeenAt: null }]);
    // A second answer finds nothing.
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: stranger.token, body: {} })).status).toBe(404);
  });

  it('declines without telling anyone; only the invitee can answer; an invite is not sent twice', async () => {
    const [owner, stranger, other] = await users('owner', 'stranger', 'other');
    const ownerSocket = await open(owner);
    const group = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Solo', members: [] } });
    const roomId = group.body.room.id;
    const ownerEvents = collect(ownerSocket, 'room:updated');

    const invited = await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: stranger.handle } });
    expect(invited).toMatchObject({ status: 201, body: { user: { handle: stranger.handle }, invited: true } });
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: stranger.handle } })).status).toBe(409);
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: other.token, body: {} })).status).toBe(404);
    expect((await api(server.url, `/api/v1/invites/${roomId}/decline`, { token: owner.token, body: {} })).status).toBe(404);

    expect(await api(server.url, `/api/v1/invites/${roomId}/decline`, { token: stranger.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await invitesOf(stranger)).toEqual([]);
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: stranger.token, body: {} })).status).toBe(404);
    // The owner was told nothing, and the group is as it was: the owner alone, closed. Sentinel: a rename the owner does see.
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token })).body.users.map((u: any) => u.handle)).toEqual([owner.handle]);
    const renamed = collect(ownerSocket, 'user:updated');
    expect((await api(server.url, '/api/v1/me', { method: 'PATCH', token: owner.token, body: { displayName: 'Owner' } })).status).toBe(200);
    await waitFor(() => renamed.length > 0, 5000, 'the sentinel rename');
    // One room:updated, the owner's own invite (their tabs list it); none for the decline.
    expect(ownerEvents.filter((e) => e.roomId === roomId)).toHaveLength(1);
  });

  it('shows the owner the open invites and lets them withdraw one; the invitee is told and can no longer accept', async () => {
    const [owner, friend, stranger, other] = await users('owner', 'friend', 'stranger', 'other');
    await acquaint(server.url, owner, friend);
    const strangerSocket = await open(stranger);
    const created = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Book club', members: [friend.handle, stranger.handle, other.handle] } });
    const roomId = created.body.room.id;
    const listed = await api(server.url, `/api/v1/groups/${roomId}/invites`, { token: owner.token });
    expect(listed.status).toBe(200);
    expect(listed.body.invites.map((invite: any) => invite.handle).sort()).toEqual([stranger.handle, other.handle].sort());
    expect(listed.body.invites[0]).toEqual({ handle: expect.any(String), displayName: expect.any(String), avatarUrl: null, createdAt: expect.any(String) });
    // A member who does not own the group sees no invites and cannot withdraw one.
    expect((await api(server.url, `/api/v1/groups/${roomId}/invites`, { token: friend.token })).status).toBe(403);
    expect((await api(server.url, `/api/v1/groups/${roomId}/invites/${stranger.handle}`, { method: 'DELETE', token: friend.token })).status).toBe(403);

    const told = collect(strangerSocket, 'room:updated');
    const withdrawn = await api(server.url, `/api/v1/groups/${roomId}/invites/${stranger.handle}`, { method: 'DELETE', token: owner.token });
    expect(withdrawn).toMatchObject({ status: 200, body: { ok: true } });
    await waitFor(() => told.some((event: any) => event.roomId === roomId), 5000, 'the invitee told');
    expect(await invitesOf(stranger)).toEqual([]);
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { method: 'POST', token: stranger.token })).status).toBe(404);
    expect((await api(server.url, `/api/v1/groups/${roomId}/invites`, { token: owner.token })).body.invites.map((invite: any) => invite.handle)).toEqual([other.handle]);
    // Again, or for someone never invited: 404 with the reason; a malformed handle: 400.
    const again = await api(server.url, `/api/v1/groups/${roomId}/invites/${stranger.handle}`, { method: 'DELETE', token: owner.token });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(`@${stranger.handle} is not invited.`);
    expect((await api(server.url, `/api/v1/groups/${roomId}/invites/Not%20A%20Handle`, { method: 'DELETE', token: owner.token })).status).toBe(400);
  });

  it("lists a group's open invites in its owner's room summary only, so a group of invitees says whom it waits for", async () => {
    const [owner, friend, stranger] = await users('owner', 'friend', 'stranger');
    await acquaint(server.url, owner, friend);
    const ownerSocket = await open(owner);
    // Only strangers: the group waits, closed, for one of them.
    const created = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Waiting room', members: [stranger.handle] } });
    const roomId = created.body.room.id;
    expect(created.body.room).toMatchObject({ closed: true, invited: [stranger.handle] });
    const summaryOf = async (user: TestUser) => (await api(server.url, '/api/v1/rooms', { token: user.token })).body.rooms.find((room: any) => room.id === roomId);
    expect(await summaryOf(owner)).toMatchObject({ closed: true, invited: [stranger.handle] });

    // The owner's tabs are told when the invites change, and a member who is not the owner sees none.
    const told = collect(ownerSocket, 'room:updated');
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: friend.handle } })).status).toBe(201);
    expect((await summaryOf(friend)).invited).toBeUndefined();
    expect((await api(server.url, `/api/v1/groups/${roomId}/invites/${stranger.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
    await waitFor(() => told.filter((event: any) => event.roomId === roomId).length >= 2, 5000, "the owner's tabs told of the withdrawal");
    expect((await summaryOf(owner)).invited).toEqual([]);
  });

  it('adds acquaintances outright, invites strangers, refuses across a block; a block withdraws an invite', async () => {
    const [owner, friend, stranger, blocker] = await users('owner', 'friend', 'stranger', 'blocker');
    await acquaint(server.url, owner, friend);
    const roomId = (await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Mixed', members: [] } })).body.room.id;
    expect(await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: friend.handle } })).toMatchObject({
      status: 201,
      body: { user: { handle: friend.handle } },
    });
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: friend.handle } })).body.invited).toBeUndefined();
    expect(await roomIdsOf(friend)).toContain(roomId);
    // Added after the group's first message (its creation): that one was before them.
    const listed = (await api(server.url, '/api/v1/rooms', { token: owner.token })).body.rooms.find((room: any) => room.id === roomId);
    expect(listed.members.map((member: any) => [member.handle, member.joinedSeq])).toEqual([[owner.handle, 0], [friend.handle, 1]]);

    await api(server.url, '/api/v1/blocks', { token: blocker.token, body: { handle: owner.handle } });
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: blocker.handle } })).status).toBe(403);

    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: stranger.handle } })).body.invited).toBe(true);
    expect((await invitesOf(stranger)).map((i) => i.roomId)).toEqual([roomId]);
    await api(server.url, '/api/v1/blocks', { token: stranger.token, body: { handle: owner.handle } });
    expect(await invitesOf(stranger)).toEqual([]);
  });

  it('refuses to add someone with an open invite, so a removal sticks (no invite is left to come back through)', async () => {
    const [owner, stranger] = await users('owner', 'stranger');
    const group = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Kept', members: [stranger.handle] } });
    const roomId = group.body.room.id;
    expect(group.body.room.invited).toEqual([stranger.handle]);
    // They become acquainted while the invite is open: the owner could now add them outright.
    await acquaint(server.url, stranger, owner);
    const added = await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: stranger.handle } });
    expect(added.status, JSON.stringify(added.body)).toBe(409);
    expect(added.body.error.code).toBe('conflict');
    expect(await roomIdsOf(stranger)).not.toContain(roomId);

    // The invite is theirs to answer; once in, the owner's removal leaves them nothing to accept.
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: stranger.token, body: {} })).status).toBe(200);
    expect(await invitesOf(stranger)).toEqual([]);
    expect((await api(server.url, `/api/v1/groups/${roomId}/users/${stranger.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: stranger.token, body: {} })).status).toBe(404);
    expect(await roomIdsOf(stranger)).not.toContain(roomId);
    const history = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: owner.token });
    expect(history.body.messages.filter((m: any) => m.body.endsWith('joined'))).toHaveLength(1);
  });

  it('lets no invite left open beside a membership (from before adding checked for one) add a second "joined" or undo a removal', async () => {
    const [owner, friend] = await users('owner', 'friend');
    await acquaint(server.url, owner, friend);
    const group = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Leftover', members: [friend.handle] } });
    const roomId = group.body.room.id;
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      const leaveInvite = () =>
        db.query(`INSERT INTO "GroupInvite" ("roomId", "userId", "inviterId") SELECT $1, u."id", o."id" FROM "User" u, "User" o WHERE u."handle" = $2 AND o."handle" = $3`, [roomId, friend.handle, owner.handle]);
      await leaveInvite();
      // Accepted while a member: the invite goes, and nobody "joined".
      expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: friend.token, body: {} })).status).toBe(200);
      expect(await invitesOf(friend)).toEqual([]);
      const history = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: owner.token });
      expect(history.body.messages.filter((m: any) => m.body.endsWith('joined'))).toEqual([]);

      // Left open, then the owner removes them: it goes with the membership.
      await leaveInvite();
      expect((await api(server.url, `/api/v1/groups/${roomId}/users/${friend.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
      expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: friend.token, body: {} })).status).toBe(404);
      expect(await roomIdsOf(friend)).not.toContain(roomId);
    } finally {
      await db.end();
    }
  });

  it("names a group grown from a direct conversation after its people, cut between characters, never inside one", async () => {
    const [owner, peer, third] = await users('owner', 'peer', 'third');
    await acquaint(server.url, owner, third);
    const directId = await acquaint(server.url, owner, peer);
    // 101 UTF-16 units: an 80-unit cut of "a😀😀…, peer, third" falls inside an emoji.
    expect((await api(server.url, '/api/v1/me', { method: 'PATCH', token: owner.token, body: { displayName: 'a' + '😀'.repeat(50) } })).status).toBe(200);
    const grown = await api(server.url, `/api/v1/groups/${directId}/users`, { token: owner.token, body: { handle: third.handle } });
    expect(grown.status, JSON.stringify(grown.body)).toBe(201);
    const name: string = grown.body.room.name;
    expect(name).toBe('a' + '😀'.repeat(39));
    expect(name.isWellFormed()).toBe(true);
    expect(grown.body.room.lastMessage.body.isWellFormed()).toBe(true);
  });

  it('keeps the sender of an unanswered request from turning it into a group with the recipient', async () => {
    const [sender, recipient, third] = await users('sender', 'rcpt', 'third');
    await acquaint(server.url, sender, third);
    const first = await send(await open(sender), { to: recipient.handle, clientMsgId: 'rq', body: 'hello stranger' });
    const directId = first.message.roomId;

    const grown = await api(server.url, `/api/v1/groups/${directId}/users`, { token: sender.token, body: { handle: third.handle } });
    expect(grown.status, JSON.stringify(grown.body)).toBe(403);
    expect(grown.body.error.code).toBe('forbidden');
    expect(await roomIdsOf(recipient)).toEqual([]);
    expect(await invitesOf(recipient)).toEqual([]);
    expect((await roomIdsOf(third)).length).toBe(1); // only the direct conversation with the sender

    // Accepted, it grows as before.
    await api(server.url, `/api/v1/requests/${directId}/accept`, { token: recipient.token, body: {} });
    const again = await api(server.url, `/api/v1/groups/${directId}/users`, { token: sender.token, body: { handle: third.handle } });
    expect(again.status).toBe(201);
    expect(again.body.room.members.map((m: any) => m.handle).sort()).toEqual([sender.handle, recipient.handle, third.handle].sort());
  });
});
