import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint, selfSentinel } from '../helpers/social';
import { waitFor } from '../helpers/wait';

let server: AppServer;
const sockets: TestSocket[] = [];

async function open(user: TestUser) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

function listen(socket: TestSocket, event: string) {
  const received: any[] = [];
  (socket as any).on(event, (payload: unknown) => received.push(payload));
  return received;
}

const roomOf = async (user: TestUser, roomId: string) =>
  (await api(server.url, '/api/v1/rooms', { token: user.token })).body.rooms.find((room: any) => room.id === roomId);

const systemBodies = async (user: TestUser, roomId: string) =>
  (await api(server.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: user.token })).body.messages
    .filter((message: ChatMessage) => message.kind === 'system')
    .map((message: ChatMessage) => message.body);

beforeAll(async () => {
  server = await startAppServer();
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

// Only acquaintances add each other to groups outright (anyone else is invited): these tests are about
// groups of people who already talk, so each pair first has an accepted conversation.
async function acquaintAll(users: TestUser[]) {
  for (const [index, a] of users.entries()) for (const b of users.slice(index + 1)) await acquaint(server.url, a, b);
}

describe('groups', () => {
  it('runs a group through creation, adding, removing, leaving, owner handover, closing and reopening', async () => {
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server.url, name, name[0].toUpperCase() + name.slice(1))),
    );
    await acquaintAll([alice, bob, carol, dave]);
    const created = await api(server.url, '/api/v1/groups', { token: alice.token, body: { name: 'Book club', members: [bob.handle] } });
    expect(created.status).toBe(201);
    const room = created.body.room;
    expect(room).toMatchObject({ kind: 'group', name: 'Book club', owner: alice.handle, closed: false, lastSeq: 1 });
    expect(room.members.map((member: any) => member.handle).sort()).toEqual([alice.handle, bob.handle].sort());
    expect(await systemBodies(bob, room.id)).toEqual(['Alice created the group "Book club" with Bob']);

    // Members see the roster change live; the added person too.
    const bobSocket = await open(bob);
    const carolSocket = await open(carol);
    const bobUpdates = listen(bobSocket, 'room:updated');
    const carolUpdates = listen(carolSocket, 'room:updated');
    const bobInbox = collectMessages(bobSocket);
    expect((await api(server.url, `/api/v1/groups/${room.id}/users`, { token: alice.token, body: { handle: carol.handle } })).status).toBe(201);
    await waitFor(() => bobUpdates.some((u) => u.roomId === room.id) && carolUpdates.some((u) => u.roomId === room.id));
    await waitFor(() => bobInbox.received.some((message) => message.kind === 'system' && message.body === 'Alice added Carol'));
    const users = await api(server.url, `/api/v1/groups/${room.id}/users`, { token: carol.token });
    expect(users.body.users.map((user: any) => [user.handle, user.role])).toEqual([
      [alice.handle, 'owner'],
      [bob.handle, 'member'],
      [carol.handle, 'member'],
    ]);
    expect((await api(server.url, `/api/v1/groups/${room.id}/users`, { token: alice.token, body: { handle: carol.handle } })).status).toBe(409);

    // Only the owner adds or removes others; anyone may leave.
    expect((await api(server.url, `/api/v1/groups/${room.id}/users`, { token: bob.token, body: { handle: dave.handle } })).status).toBe(403);
    expect((await api(server.url, `/api/v1/groups/${room.id}/users/${carol.handle}`, { method: 'DELETE', token: bob.token })).status).toBe(403);
    expect((await api(server.url, `/api/v1/groups/${room.id}/users/${carol.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(200);
    expect((await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: carol.token })).status).toBe(404);
    expect(await roomOf(carol, room.id)).toBeUndefined();

    // The owner leaves: the longest-standing member takes over.
    expect((await api(server.url, `/api/v1/groups/${room.id}/users/${alice.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(200);
    expect(await roomOf(bob, room.id)).toMatchObject({ owner: bob.handle, closed: true });
    // A closed group takes no messages until it is reopened.
    const closedSend = await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: bob.token, body: { clientMsgId: 'c1', body: 'anyone?' } });
    expect(closedSend.status).toBe(409);
    expect(closedSend.body.error.code).toBe('conflict');
    expect(await systemBodies(bob, room.id)).toEqual([
      'Alice created the group "Book club" with Bob',
      'Alice added Carol',
      'Alice removed Carol',
      'Alice left; Bob is now the owner',
    ]);
    // Reopened by adding someone.
    expect((await api(server.url, `/api/v1/groups/${room.id}/users`, { token: bob.token, body: { handle: dave.handle } })).status).toBe(201);
    expect(await roomOf(dave, room.id)).toMatchObject({ closed: false, owner: bob.handle });
    // System events are numbered in the room's sequence but never count as unread.
    expect((await roomOf(dave, room.id)).unread).toBe(0);
    expect((await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: bob.token, body: { clientMsgId: 'c1', body: 'welcome' } })).status).toBe(201);
  });

  it('starts a newcomer at the present: earlier messages are neither unread nor awaiting their receipt', async () => {
    const [owner, early, late] = await Promise.all(['owner', 'early', 'late'].map((name) => createUser(server.url, name)));
    await acquaintAll([owner, early, late]);
    const { room } = (await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Old news', members: [early.handle] } })).body;
    for (const body of ['one', 'two', 'three']) {
      await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: early.token, body: { clientMsgId: body, body } });
    }
    await api(server.url, `/api/v1/groups/${room.id}/users`, { token: owner.token, body: { handle: late.handle } });
    const seen = await roomOf(late, room.id);
    expect(seen.unread).toBe(0);
    const newcomer = seen.members.find((member: any) => member.handle === late.handle);
    // Up to the last message before joining (seq 4); the "added" event itself is seq 5.
    expect(newcomer).toMatchObject({ readSeq: 4, deliveredSeq: 4 });
    // History is still theirs to read.
    expect((await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: late.token })).body.messages.map((m: ChatMessage) => m.body)).toContain('two');
    await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: early.token, body: { clientMsgId: 'four', body: 'four' } });
    expect((await roomOf(late, room.id)).unread).toBe(1);
  });

  it('grows a direct conversation into a new group of three, keeping the direct history private', async () => {
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((name) => createUser(server.url, name, name[0].toUpperCase() + name.slice(1))),
    );
    const aliceSocket = await open(alice);
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'd1', body: 'just between us' });
    const directId = first.message.roomId;
    await api(server.url, `/api/v1/requests/${directId}/accept`, { method: 'POST', token: bob.token });
    await acquaint(server.url, alice, carol);
    const carolSocket = await open(carol);
    const carolUpdates = listen(carolSocket, 'room:updated');

    const grown = await api(server.url, `/api/v1/groups/${directId}/users`, { token: alice.token, body: { handle: carol.handle } });
    expect(grown.status).toBe(201);
    expect(grown.body.user).toEqual({ handle: carol.handle, displayName: 'Carol', avatarUrl: null });
    const group = grown.body.room;
    expect(group).toMatchObject({ kind: 'group', name: 'Alice, Bob, Carol', owner: alice.handle });
    expect(group.id).not.toBe(directId);
    expect(group.members.map((member: any) => member.handle).sort()).toEqual([alice.handle, bob.handle, carol.handle].sort());
    await waitFor(() => carolUpdates.some((update) => update.roomId === group.id), 10_000, 'carol told of the new group');

    // The direct conversation is untouched and still private to the two.
    expect((await roomOf(alice, directId)).members).toHaveLength(2);
    expect((await api(server.url, `/api/v1/rooms/${directId}/messages`, { token: carol.token })).status).toBe(404);
    const groupBodies = (await api(server.url, `/api/v1/rooms/${group.id}/messages`, { token: carol.token })).body.messages.map((m: ChatMessage) => m.body);
    expect(groupBodies).not.toContain('just between us');

    // Someone already in the conversation cannot be "added" again; a stranger to the room cannot grow it.
    expect((await api(server.url, `/api/v1/groups/${directId}/users`, { token: alice.token, body: { handle: bob.handle } })).status).toBe(409);
    expect((await api(server.url, `/api/v1/groups/${directId}/users`, { token: carol.token, body: { handle: bob.handle } })).status).toBe(404);
  });

  it('keeps one owner who is still a member when members leave and are removed at the same time', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [owner, heir, other, spare] = await Promise.all(['owner', 'heir', 'other', 'spare'].map((name) => createUser(server.url, name)));
      await acquaintAll([owner, heir, other, spare]);
      const { room } = (
        await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Race', members: [heir.handle, other.handle, spare.handle] } })
      ).body;
      const leave = (user: TestUser) => api(server.url, `/api/v1/groups/${room.id}/users/${user.handle}`, { method: 'DELETE', token: user.token });
      const removeSpare = () => api(server.url, `/api/v1/groups/${room.id}/users/${spare.handle}`, { method: 'DELETE', token: owner.token });
      // The owner and the would-be heir leave together while the owner also removes someone twice.
      const replies = await Promise.all([leave(owner), leave(heir), removeSpare(), removeSpare()]);
      for (const reply of replies) expect([200, 403, 404]).toContain(reply.status);
      expect(replies.slice(0, 2).map((reply) => reply.status)).toEqual([200, 200]);
      // The spare was removed exactly once, or refused because the owner had already gone.
      expect(replies.slice(2).filter((reply) => reply.status === 200).length).toBeLessThanOrEqual(1);

      const users = (await api(server.url, `/api/v1/groups/${room.id}/users`, { token: other.token })).body.users;
      const owners = users.filter((user: any) => user.role === 'owner');
      expect(owners).toHaveLength(1);
      expect([other.handle, spare.handle]).toContain(owners[0].handle);
    }
  });

  it('refuses bad group input clearly', async () => {
    const alice = await createUser(server.url, 'alice');
    const cases: [unknown, number][] = [
      [{ name: '', members: [] }, 400],
      [{ name: 'x'.repeat(81), members: [] }, 400],
      [{ name: 'ok', members: 'bob' }, 400],
      [{ name: 'ok', members: [], extra: 1 }, 400],
      [{ name: 'ok', members: ['nobody_by_that_name'] }, 404],
    ];
    for (const [body, status] of cases) {
      const reply = await api(server.url, '/api/v1/groups', { token: alice.token, body });
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(typeof reply.body.error.message).toBe('string');
    }
    expect((await api(server.url, '/api/v1/groups', { token: alice.token, body: '{nope' })).status).toBe(400);
  });
});

describe('renaming a group', () => {
  const rename = (user: TestUser, roomId: string, body: unknown) => api(server.url, `/api/v1/groups/${roomId}`, { method: 'PATCH', token: user.token, body });

  async function groupOfThree(name: string) {
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((handle) => createUser(server.url, handle, handle[0].toUpperCase() + handle.slice(1))),
    );
    await acquaintAll([alice, bob, carol]);
    const { room } = (await api(server.url, '/api/v1/groups', { token: alice.token, body: { name, members: [bob.handle, carol.handle] } })).body;
    return { alice, bob, carol, roomId: room.id as string };
  }

  it('lets the owner rename it: stored as a system message, told live, listed with the new name', async () => {
    const { alice, bob, carol, roomId } = await groupOfThree('Trip');
    const bobSocket = await open(bob);
    const bobUpdates = listen(bobSocket, 'room:updated');
    const bobInbox = collectMessages(bobSocket);

    const reply = await rename(alice, roomId, { name: '  Trip 2027 ' });
    expect(reply.status).toBe(200);
    expect(reply.body.room).toMatchObject({ id: roomId, kind: 'group', name: 'Trip 2027', owner: alice.handle });

    const body = 'Alice renamed the group to "Trip 2027"';
    await waitFor(() => bobInbox.received.some((message) => message.kind === 'system' && message.body === body), 10_000, 'the rename, live');
    await waitFor(() => bobUpdates.some((update) => update.roomId === roomId), 10_000, 'room:updated');
    expect((await roomOf(carol, roomId)).name).toBe('Trip 2027');
    expect(await systemBodies(carol, roomId)).toEqual(['Alice created the group "Trip" with Bob, Carol', body]);
  });

  it('is for the owner only, and only of a group the caller is in', async () => {
    const { alice, bob, roomId } = await groupOfThree('Trip');
    const outsider = await createUser(server.url, 'dave');
    const notOwner = await rename(bob, roomId, { name: 'Mine now' });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.code).toBe('forbidden');
    expect((await rename(outsider, roomId, { name: 'Mine now' })).status).toBe(404);
    const directId = await acquaint(server.url, alice, outsider);
    const direct = await rename(alice, directId, { name: 'Not a group' });
    expect(direct.status).toBe(404);
    expect(direct.body.error.code).toBe('not_found');
    expect((await roomOf(bob, roomId)).name).toBe('Trip');
  });

  it('refuses a bad name with the same rules as creating a group', async () => {
    const { alice, roomId } = await groupOfThree('Trip');
    const bodies: unknown[] = [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(81) }, { name: 'bell\u0007' }, { name: 'two\nlines' }, { name: 'rtl\u202e' }, {}, { name: 'ok', extra: 1 }];
    for (const body of bodies) {
      const reply = await rename(alice, roomId, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
      expect(typeof reply.body.error.message).toBe('string');
    }
    expect((await rename(alice, roomId, { name: 'x'.repeat(80) })).status).toBe(200);
  });

  it('changes nothing and says nothing when the name is the same', async () => {
    const { alice, bob, roomId } = await groupOfThree('Trip');
    const bobSocket = await open(bob);
    const bobInbox = collectMessages(bobSocket);
    const reply = await rename(alice, roomId, { name: ' Trip ' });
    expect(reply.status).toBe(200);
    expect(reply.body.room.name).toBe('Trip');
    // Whatever the rename sent bob has arrived once his own rename echoes back.
    await selfSentinel(server.url, bob, bobSocket);
    expect(bobInbox.received.filter((message) => message.roomId === roomId)).toEqual([]);
    expect(await systemBodies(bob, roomId)).toHaveLength(1);
  });

  it('serialises concurrent renames: each one is told, and the last told is the name kept', async () => {
    const { alice, bob, roomId } = await groupOfThree('Trip');
    const names = ['North', 'South', 'East', 'West'];
    const replies = await Promise.all(names.map((name) => rename(alice, roomId, { name })));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    const told = (await systemBodies(bob, roomId)).slice(1);
    expect(told.sort()).toEqual(names.map((name) => `Alice renamed the group to "${name}"`).sort());
    const messages = (await api(server.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: bob.token })).body.messages as ChatMessage[];
    expect(messages.at(-1)?.body).toBe(`Alice renamed the group to "${(await roomOf(bob, roomId)).name}"`);
  });
});

describe('contacts and profile', () => {
  it('lists the 15 most recent partners, newest first, with what waits from each', async () => {
    const me = await createUser(server.url, 'me');
    const partners = [];
    for (let index = 0; index < 16; index += 1) partners.push(await createUser(server.url, `p${index}`));
    const socket = await open(me);
    for (const partner of partners) {
      const sent = await emitAck(socket, 'message:send', { to: partner.handle, clientMsgId: `hi-${partner.handle}`, body: 'hi' });
      await api(server.url, `/api/v1/rooms/${sent.message.roomId}/messages`, { token: partner.token, body: { clientMsgId: 'r1', body: 'hello back' } });
    }
    const contacts = (await api(server.url, '/api/v1/contacts', { token: me.token })).body.contacts;
    expect(contacts).toHaveLength(15);
    expect(contacts.map((contact: any) => contact.handle)).toEqual(partners.slice(1).reverse().map((partner) => partner.handle));
    expect(contacts.every((contact: any) => contact.unread === 1)).toBe(true);
    expect(Object.keys(contacts[0]).sort()).toEqual(['avatarUrl', 'displayName', 'handle', 'lastActivityAt', 'unread']);
  });

  it('leaves unanswered requests and blocked people out of contacts', async () => {
    const [me, stranger, friend] = await Promise.all(['me', 'stranger', 'friend'].map((name) => createUser(server.url, name)));
    const strangerSocket = await open(stranger);
    const request = await emitAck(strangerSocket, 'message:send', { to: me.handle, clientMsgId: 's1', body: 'hi, you do not know me' });
    const friendSocket = await open(friend);
    const fromFriend = await emitAck(friendSocket, 'message:send', { to: me.handle, clientMsgId: 'f1', body: 'hi' });
    await api(server.url, `/api/v1/requests/${fromFriend.message.roomId}/accept`, { method: 'POST', token: me.token });
    const contactsOf = async (user: TestUser) =>
      (await api(server.url, '/api/v1/contacts', { token: user.token })).body.contacts.map((contact: any) => contact.handle);

    expect(await contactsOf(me)).toEqual([friend.handle]);
    // The one who wrote first sees whom they wrote to.
    expect(await contactsOf(stranger)).toEqual([me.handle]);
    await api(server.url, `/api/v1/requests/${request.message.roomId}/accept`, { method: 'POST', token: me.token });
    expect((await contactsOf(me)).sort()).toEqual([friend.handle, stranger.handle].sort());

    expect((await api(server.url, '/api/v1/blocks', { token: me.token, body: { handle: stranger.handle } })).status).toBe(201);
    expect(await contactsOf(me)).toEqual([friend.handle]);
    expect(await contactsOf(stranger)).toEqual([]);
  });

  it('changes the display name everywhere and tells the people who share a conversation', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const aliceSocket = await open(alice);
    const sent = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'p', body: 'hi' });
    await api(server.url, `/api/v1/requests/${sent.message.roomId}/accept`, { method: 'POST', token: bob.token });
    const bobSocket = await open(bob);
    const renamed = listen(bobSocket, 'user:updated');
    const reply = await api(server.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: 'Alice Cooper' } });
    expect(reply.body).toEqual({ user: { handle: alice.handle, displayName: 'Alice Cooper', avatarUrl: null } });
    await waitFor(() => renamed.some((user) => user.handle === alice.handle && user.displayName === 'Alice Cooper'));
    const room = await roomOf(bob, sent.message.roomId);
    expect(room.members.find((member: any) => member.handle === alice.handle).displayName).toBe('Alice Cooper');
    expect((await api(server.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: '   ' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { handle: 'new' } })).status).toBe(400);
  });
});
