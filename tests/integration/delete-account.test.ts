import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, connectWatched, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint, collect, createGroupOfAcquaintances } from '../helpers/social';
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
    const bobInbox = collectMessages(bobSocket);
    const bobRenames = collect(bobSocket, 'user:updated');

    expect((await api(server.url, `/api/v1/users?q=${alice.handle}`, { token: bob.token })).body.users).toHaveLength(1);
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
    // Nor into a group, by its new owner.
    const heir = [bob, carol].find((user) => user.handle === groupAfter.owner)!;
    expect(await api(server.url, `/api/v1/groups/${group.id}/users`, { token: heir.token, body: { handle: alice.handle } })).toMatchObject({
      status: 403,
      body: { error: { message: `You cannot add @${alice.handle}.` } },
    });
  });

  it('takes back the message requests it sent that were never answered', async () => {
    const [alice, dave] = await Promise.all(['asker', 'asked'].map((prefix) => createUser(server.url, prefix)));
    const aliceSocket = await open(alice);
    expect((await send(aliceSocket, { to: dave.handle, clientMsgId: 'r1', body: 'hi, we met at the conference' })).ok).toBe(true);
    expect((await api(server.url, '/api/v1/requests', { token: dave.token })).body.requests).toHaveLength(1);
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(200);
    expect((await api(server.url, '/api/v1/requests', { token: dave.token })).body.requests).toEqual([]);
  });
});
