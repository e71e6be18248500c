import { randomUUID } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, connectWatched, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint, collect, createGroupOfAcquaintances } from '../helpers/social';
import { TEST_DATABASE_URL, TEST_SECRET } from '../helpers/services';
import { waitFor } from '../helpers/wait';

// Account deletion (DELETE /api/v1/me) against a real server process, Postgres and Redis.
let server: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startAppServer({ PRESENCE_GRACE_MS: '100' });
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

async function open(user: TestUser) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}
const deleteAccount = (user: TestUser, body: unknown) => api(server.url, '/api/v1/me', { method: 'DELETE', token: user.token, body });
const send = (socket: TestSocket, payload: unknown) => emitAck(socket, 'message:send', payload);

async function withPostgres<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** What is stored of an account, read from Postgres itself. */
const storedAccount = (handle: string) =>
  withPostgres(async (client) => (await client.query(`SELECT "role", "password", "deletedAt" FROM "User" WHERE "handle" = $1`, [handle])).rows[0]);

/**
 * A session made for the account as a sign-in that read it just before the deletion would make it, after
 * the deletion revoked the others; and its token.
 */
const sessionMadeAfter = (handle: string) =>
  withPostgres(async (client) => {
    const id = randomUUID();
    const { rows } = await client.query(`INSERT INTO "DeviceSession" ("id", "userId", "kind") SELECT $1, "id", 'api' FROM "User" WHERE "handle" = $2 RETURNING "userId"`, [id, handle]);
    return encode({ token: { sub: rows[0].userId, sid: id }, secret: TEST_SECRET });
  });

describe('deleting one’s account', () => {
  it('asks for the password, and refuses bad input without changing anything', async () => {
    const alice = await createUser(server.url, 'keeper');
    expect(await deleteAccount(alice, {})).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await deleteAccount(alice, 'not json')).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await deleteAccount(alice, { password: 'wrong password' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'The password is wrong.' } } });
    expect((await api(server.url, '/api/v1/me', { method: 'DELETE', body: { password: alice.password } })).status).toBe(401);
    // Still there, and still signs in.
    expect((await api(server.url, '/api/v1/me', { token: alice.token })).body.user.handle).toBe(alice.handle);
    expect((await api(server.url, '/api/v1/tokens', { body: { username: alice.handle, password: alice.password } })).status).toBe(201);
  });

  it('ends every session, refuses sign-in, leaves the groups, keeps what was written under "Deleted account", and takes no more messages', async () => {
    const [alice, bob, carol] = await Promise.all(['leaver', 'friend', 'member'].map((prefix) => createUser(server.url, prefix)));
    const directId = await acquaint(server.url, bob, alice);
    const group = await createGroupOfAcquaintances(server.url, alice, 'Book club', [bob, carol]);
    const aliceSocket = await open(alice);
    expect((await send(aliceSocket, { roomId: group.id, clientMsgId: 'a1', body: 'see you Thursday' })).ok).toBe(true);
    const { socket: watched, cut } = await connectWatched(server.url, { token: alice.token });
    sockets.push(watched);
    const bobSocket = await open(bob);
    const hello = (await emitAck(bobSocket, 'room:sync', { roomId: directId, afterSeq: 0 })).messages[0];
    expect((await api(server.url, '/api/v1/contacts', { token: bob.token })).body.contacts.map((contact: any) => contact.handle)).toContain(alice.handle);
    const bobInbox = collectMessages(bobSocket);
    const bobRenames = collect(bobSocket, 'user:updated');

    expect((await api(server.url, `/api/v1/users?q=${alice.handle}`, { token: bob.token })).body.users).toHaveLength(1);
    // An admin, whose role must not outlive the account (a moderator who left would keep held links waiting).
    await withPostgres((client) => client.query(`UPDATE "User" SET "role" = 'admin' WHERE "handle" = $1`, [alice.handle]));
    expect(await deleteAccount(alice, { password: alice.password })).toEqual({ status: 200, body: { ok: true } });

    // Every session: the socket is cut, the token refused, sign-in refused as for an unknown name.
    await cut;
    expect((await api(server.url, '/api/v1/me', { token: alice.token })).status).toBe(401);
    const signIn = await api(server.url, '/api/v1/tokens', { body: { username: alice.handle, password: alice.password } });
    expect(signIn).toMatchObject({ status: 401, body: { error: { message: 'Wrong username or password.' } } });
    // Nobody takes the name.
    expect((await api(server.url, '/api/v1/users', { body: { username: alice.handle, password: 'another long password' } })).status).toBe(409);

    // The group was told she left; the owner's controls went to the longest-standing member.
    await waitFor(() => bobInbox.received.some((message) => message.kind === 'system' && message.roomId === group.id), 5000, 'the leave note');
    const groupAfter = (await api(server.url, '/api/v1/rooms', { token: bob.token })).body.rooms.find((room: any) => room.id === group.id);
    expect(groupAfter.members.map((member: any) => member.handle)).not.toContain(alice.handle);
    expect(groupAfter.owner).not.toBe(alice.handle);
    await waitFor(() => bobRenames.some((user) => user.handle === alice.handle && user.displayName === 'Deleted account'), 5000, 'the rename');

    // What she wrote stays, under the new name; the direct conversation says she is gone.
    const history = await emitAck(bobSocket, 'room:sync', { roomId: group.id, afterSeq: 0 });
    expect(history.messages.map((message: any) => message.body)).toContain('see you Thursday');
    const named = await api(server.url, `/api/v1/users?handles=${alice.handle}`, { token: bob.token });
    expect(named.body.users).toEqual([{ handle: alice.handle, displayName: 'Deleted account', avatarUrl: null }]);
    const direct = (await api(server.url, '/api/v1/rooms', { token: bob.token })).body.rooms.find((room: any) => room.id === directId);
    expect(direct.members.find((member: any) => member.handle === alice.handle)).toMatchObject({ displayName: 'Deleted account', deleted: true });
    expect(direct.members.find((member: any) => member.handle === bob.handle).deleted).toBeUndefined();

    // No more messages to her, by room (the group-commit path) or by name; no search finds her.
    expect(await send(bobSocket, { roomId: directId, clientMsgId: 'b1', body: 'are you there?' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'This account was deleted: it cannot be messaged.' },
    });
    expect(await send(bobSocket, { to: alice.handle, clientMsgId: 'b2', body: 'hello?' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await api(server.url, `/api/v1/users?q=${alice.handle}`, { token: bob.token })).body.users).toEqual([]);
    // Nor a reaction in the direct conversation; nor is she among Bob's contacts (whom he would add to groups).
    expect(await emitAck(bobSocket, 'reaction:add', { messageId: hello.id, emoji: '👍' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await api(server.url, '/api/v1/contacts', { token: bob.token })).body.contacts.map((contact: any) => contact.handle)).not.toContain(alice.handle);
    // Stored: no password hash, no role.
    expect(await storedAccount(alice.handle)).toEqual({ role: 'user', password: '', deletedAt: expect.any(Date) });
    // A session a racing sign-in made is refused too.
    expect((await api(server.url, '/api/v1/me', { token: await sessionMadeAfter(alice.handle) })).status).toBe(401);
    // Nor into a group, by its new owner.
    const heir = [bob, carol].find((user) => user.handle === groupAfter.owner)!;
    expect(await api(server.url, `/api/v1/groups/${group.id}/users`, { token: heir.token, body: { handle: alice.handle } })).toMatchObject({
      status: 403,
      body: { error: { message: `You cannot add @${alice.handle}.` } },
    });
  });

  it('tells people who shared only a group with them that the account is deleted, though it has left the group by then', async () => {
    const [owner, bob, carol] = await Promise.all(['owner', 'groupmate', 'leaving'].map((prefix) => createUser(server.url, prefix)));
    const group = await createGroupOfAcquaintances(server.url, owner, 'Choir', [bob, carol]);
    const bobSocket = await open(bob);
    const bobRenames = collect(bobSocket, 'user:updated');
    const bobUpdates = collect(bobSocket, 'room:updated');
    expect(await deleteAccount(carol, { password: carol.password })).toEqual({ status: 200, body: { ok: true } });
    // room:updated (she left the group) is sent before user:updated: wait for both, then look.
    await waitFor(() => bobUpdates.some((update) => update.roomId === group.id), 5000, 'room:updated for the group');
    await waitFor(() => bobRenames.some((user) => user.handle === carol.handle), 5000, 'user:updated for the deleted account');
    expect(bobRenames.filter((user) => user.handle === carol.handle).at(-1)).toMatchObject({ handle: carol.handle, displayName: 'Deleted account', avatarUrl: null });
  });

  it('takes back the message requests it sent that were never answered', async () => {
    const [alice, dave] = await Promise.all(['asker', 'asked'].map((prefix) => createUser(server.url, prefix)));
    const aliceSocket = await open(alice);
    expect((await send(aliceSocket, { to: dave.handle, clientMsgId: 'r1', body: 'hi, we met at the conference' })).ok).toBe(true);
    const [request] = (await api(server.url, '/api/v1/requests', { token: dave.token })).body.requests;
    expect(request.from.handle).toBe(alice.handle);
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(200);
    expect((await api(server.url, '/api/v1/requests', { token: dave.token })).body.requests).toEqual([]);
    // Not among the ignored ones either, and not to be accepted.
    expect((await api(server.url, '/api/v1/requests?status=ignored', { token: dave.token })).body.requests).toEqual([]);
    expect(await api(server.url, `/api/v1/requests/${request.roomId}/accept`, { token: dave.token, body: {} })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });
});
