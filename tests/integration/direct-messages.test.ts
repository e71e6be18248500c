import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { appendBatches, METRICS_ENV } from '../helpers/metrics';
import { api, browserSignIn, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { selfSentinel } from '../helpers/social';

// Real server process on real Postgres and Redis.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
let server: AppServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
// Unique per run, so searching for it is unaffected by users other runs left behind.
const aliceName = `Alice Liddell ${Date.now().toString(36)}`;
const sockets: TestSocket[] = [];

async function open(user: { token: string }) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function historyOf(user: TestUser, roomId: string) {
  return api(server.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: user.token });
}

beforeAll(async () => {
  server = await startAppServer(METRICS_ENV);
  [alice, bob, carol] = await Promise.all([
    createUser(server.url, 'alice', aliceName),
    createUser(server.url, 'bob'),
    createUser(server.url, 'carol'),
  ]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('accounts and tokens', () => {
  it('creates a user and refuses a taken or invalid username', async () => {
    const taken = await api(server.url, '/api/v1/users', { body: { username: alice.handle, password: 'another password' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('conflict');

    for (const body of [
      { username: 'ab', password: 'long enough' },
      { username: 'Has Space', password: 'long enough' },
      { username: 'valid_name', password: 'short' },
      { username: 'valid_name' },
      { username: 42, password: 'long enough' },
      { username: 'valid_name', password: 'long enough', isAdmin: true },
    ]) {
      const reply = await api(server.url, '/api/v1/users', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
      expect(typeof reply.body.error.message).toBe('string');
    }
    // bcrypt reads 72 bytes: a longer password is refused rather than cut (it would match any sharing them).
    for (const password of ['a'.repeat(73), 'é'.repeat(37)]) {
      const tooLong = await api(server.url, '/api/v1/users', { body: { username: uniqueHandle('long'), password } });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toMatch(/^password: must be at most 72 bytes/);
    }
    const longest = { username: uniqueHandle('long'), password: `${'é'.repeat(35)}ab` };
    expect((await api(server.url, '/api/v1/users', { body: longest })).status).toBe(201);
    expect((await api(server.url, '/api/v1/tokens', { body: longest })).status).toBe(201);
    expect((await api(server.url, '/api/v1/tokens', { body: { ...longest, password: `${'é'.repeat(35)}ac` } })).status).toBe(401);
    // Nor is the right password with more after it taken, where a password is checked: bcrypt would read only its start.
    const longer = `${longest.password}, and more`;
    expect((await api(server.url, '/api/v1/tokens', { body: { ...longest, password: longer } })).status).toBe(401);
    const token = (await api(server.url, '/api/v1/tokens', { body: longest })).body.token;
    expect((await api(server.url, '/api/v1/me/password', { token, body: { currentPassword: longer, newPassword: 'another good one' } })).status).toBe(403);
    expect((await api(server.url, '/api/v1/me', { method: 'DELETE', token, body: { password: longer } })).status).toBe(403);
    expect((await api(server.url, '/api/v1/me', { token })).status).toBe(200);

    const notJson = await api(server.url, '/api/v1/users', { body: '{"username": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/JSON/);
  });

  it('treats usernames case-insensitively and returns only public fields', async () => {
    const reply = await api(server.url, '/api/v1/tokens', { body: { username: alice.handle.toUpperCase(), password: alice.password } });
    expect(reply.status).toBe(201);
    expect(new Date(reply.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a token for wrong credentials with 401', async () => {
    const wrongPassword = await api(server.url, '/api/v1/tokens', { body: { username: alice.handle, password: 'not the password' } });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.error.code).toBe('unauthorized');
    const noSuchUser = await api(server.url, '/api/v1/tokens', { body: { username: 'nobody_here', password: 'whatever123' } });
    expect(noSuchUser.status).toBe(401);
    const missing = await api(server.url, '/api/v1/tokens', { body: {} });
    expect(missing.status).toBe(400);
  });

  it('finds users by handle or display name without exposing database ids', async () => {
    const byName = await api(server.url, `/api/v1/users?q=${encodeURIComponent(aliceName.toUpperCase())}`, { token: bob.token });
    expect(byName.status).toBe(200);
    expect(byName.body.users).toEqual([{ handle: alice.handle, displayName: aliceName, avatarUrl: null }]);
    const byHandle = await api(server.url, `/api/v1/users?q=${bob.handle}`, { token: alice.token });
    expect(byHandle.body.users.map((user: any) => user.handle)).toEqual([bob.handle]);
    expect(Object.keys(byHandle.body.users[0]).sort()).toEqual(['avatarUrl', 'displayName', 'handle']);
    // As pages write a handle ("@bob"); "@" alone, the first key of it, looks for no one (not for everyone).
    const withAt = await api(server.url, `/api/v1/users?q=${encodeURIComponent(`@${bob.handle}`)}`, { token: alice.token });
    expect(withAt.body.users.map((user: any) => user.handle)).toEqual([bob.handle]);
    const atAlone = await api(server.url, `/api/v1/users?q=${encodeURIComponent('@')}`, { token: alice.token });
    expect(atAlone.status).toBe(200);
    expect(atAlone.body.users).toEqual([]);
    // `%` and `_` are characters to find, not wildcards: as wildcards, each of these would find Bob.
    for (const q of ['%', `${bob.handle.slice(0, 3)}%`, `${bob.handle.slice(0, -1)}_`]) {
      const wild = await api(server.url, `/api/v1/users?q=${encodeURIComponent(q)}`, { token: alice.token });
      expect(wild.status).toBe(200);
      expect(wild.body.users).toEqual([]);
    }
  });

  it('refuses anonymous and forged credentials on REST and at the socket handshake', async () => {
    expect((await api(server.url, '/api/v1/users?q=a')).status).toBe(401);
    expect((await api(server.url, '/api/v1/rooms', { token: 'not-a-token' })).status).toBe(401);
    await expect(connect(server.url, {})).rejects.toThrow('unauthorized');
    await expect(connect(server.url, { token: 'forged' })).rejects.toThrow('unauthorized');
  });
});

describe('direct messages', () => {
  it('stores before acking and delivers live to every session of both users', async () => {
    const aliceTab1 = await open(alice);
    const aliceTab2 = await open(alice);
    const bobTab1 = await open(bob);
    const bobTab2 = await open(bob);
    const carolTab = await open(carol);
    const inboxes = [aliceTab2, bobTab1, bobTab2].map(collectMessages);
    const carolInbox = collectMessages(carolTab);

    const ack = await emitAck(aliceTab1, 'message:send', { to: bob.handle, clientMsgId: 'c-1', body: 'hello bob' });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({ seq: 1, clientMsgId: 'c-1', sender: alice.handle, body: 'hello bob' });
    expect(Object.keys(ack.message).sort()).toEqual(['attachments', 'body', 'clientMsgId', 'createdAt', 'editedAt', 'id', 'kind', 'mentions', 'reactions', 'replyTo', 'roomId', 'sender', 'seq', 'version']);
    expect(ack.message.kind).toBe('text');

    // Stored before the ack: the history already has it.
    const history = await historyOf(bob, ack.message.roomId);
    expect(history.body.messages).toEqual([ack.message]);

    for (const inbox of inboxes) expect((await inbox.waitFor(1))[0]).toEqual(ack.message);
    // Sentinel: carol's own rename reaches her after anything emitted to her before.
    await selfSentinel(server.url, carol, carolTab);
    expect(carolInbox.received).toHaveLength(0);
  });

  it('numbers messages 1, 2, 3… per conversation and keeps one room per pair', async () => {
    const aliceSocket = await open(alice);
    const carolSocket = await open(carol);
    const first = await emitAck(aliceSocket, 'message:send', { to: carol.handle, clientMsgId: 'x-1', body: 'one' });
    const second = await emitAck(carolSocket, 'message:send', { to: alice.handle, clientMsgId: 'x-1', body: 'two' });
    const third = await emitAck(aliceSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'x-2', body: 'three' });
    expect([first, second, third].map((ack) => ack.message.seq)).toEqual([1, 2, 3]);
    expect(new Set([first, second, third].map((ack) => ack.message.roomId)).size).toBe(1);

    const history = await historyOf(alice, first.message.roomId);
    expect(history.body.messages.map((message: any) => message.body)).toEqual(['one', 'two', 'three']);
    const rooms = await api(server.url, '/api/v1/rooms', { token: carol.token });
    const room = rooms.body.rooms.find((candidate: any) => candidate.id === first.message.roomId);
    // Carol has not read alice's two messages; her own does not count.
    expect(room).toMatchObject({ kind: 'direct', lastSeq: 3, unread: 2 });
    expect(room.members.map((member: any) => member.handle).sort()).toEqual([alice.handle, carol.handle].sort());
  });

  it('returns the stored message when a clientMsgId is sent again, creating nothing', async () => {
    const sender = await open(alice);
    const payload = { to: bob.handle, clientMsgId: 'retry-1', body: 'only once' };
    const first = await emitAck(sender, 'message:send', payload);
    const again = await Promise.all([emitAck(sender, 'message:send', payload), emitAck(sender, 'message:send', payload)]);
    for (const ack of again) expect(ack.message).toEqual(first.message);
    const history = await historyOf(alice, first.message.roomId);
    expect(history.body.messages.filter((message: any) => message.clientMsgId === 'retry-1')).toHaveLength(1);
    // A retry gets what was stored even if its body would be refused now (say, the rules changed since).
    const byRoom = { roomId: first.message.roomId, clientMsgId: 'retry-1', body: 'only once \u0007' };
    expect(await emitAck(sender, 'message:send', byRoom)).toEqual({ ok: true, message: first.message });
  });

  it('refuses ids with control characters, which the database could not store, without disturbing other sends', async () => {
    const sender = await open(alice);
    const opening = await emitAck(sender, 'message:send', { to: bob.handle, clientMsgId: 'ctl-0', body: 'hi' });
    const roomId = opening.message.roomId;
    const [bad, badC1, badRoom, badRoomC1, good] = await Promise.all([
      emitAck(sender, 'message:send', { roomId, clientMsgId: 'nul\u0000', body: 'x' }),
      // C1 as well: the id is echoed to every member, and U+009B starts a terminal escape.
      emitAck(sender, 'message:send', { roomId, clientMsgId: 'csi\u009b31m', body: 'x' }),
      emitAck(sender, 'message:send', { roomId: `${roomId}\u0000`, clientMsgId: 'ctl-1', body: 'x' }),
      emitAck(sender, 'message:send', { roomId: `${roomId}\u0085`, clientMsgId: 'ctl-3', body: 'x' }),
      emitAck(sender, 'message:send', { roomId, clientMsgId: 'ctl-2', body: 'fine' }),
    ]);
    for (const reply of [bad, badC1]) expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^clientMsgId: must not contain/) } });
    for (const reply of [badRoom, badRoomC1]) expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(good.ok).toBe(true);
    // Postgres cannot store a NUL in text: wherever one comes in, it is a 400, never a 500.
    const nul = encodeURIComponent('\u0000');
    const refusals = await Promise.all([
      api(server.url, `/api/v1/rooms/${roomId}${nul}/messages`, { token: alice.token }),
      api(server.url, `/api/v1/users?q=a${nul}`, { token: alice.token }),
      api(server.url, '/api/v1/groups', { token: alice.token, body: { name: 'a\u0000b', members: [] } }),
      api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: '\u0000', reason: 'why' } }),
      api(server.url, '/api/v1/tokens', { body: { username: 'a\u0000', password: 'whatever it is' } }),
      api(server.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: 'A\u0000' } }),
      api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'nel\u0085', body: 'x' } }),
    ]);
    for (const reply of refusals) expect([reply.status, reply.body.error.code]).toEqual([400, 'bad_request']);
    const history = await historyOf(alice, roomId);
    const stored = history.body.messages.map((message: any) => message.clientMsgId);
    expect(stored).toEqual(expect.arrayContaining(['ctl-0', 'ctl-2']));
    for (const refused of ['nul\u0000', 'csi\u009b31m', 'ctl-1', 'ctl-3', 'nel\u0085']) expect(stored).not.toContain(refused);
  });

  it('stores one message when retries of a new clientMsgId race from several connections and REST', async () => {
    // Each socket processes its own sends in order, so racing retries come from different connections:
    // all but one lose the unique-key race inside the database and must answer with the winner.
    const dave = await createUser(server.url, 'dave');
    const senders = await Promise.all([open(alice), open(alice), open(alice)]);
    const opening = await emitAck(senders[0], 'message:send', { to: dave.handle, clientMsgId: 'race-0', body: 'hello' });
    const roomId = opening.message.roomId;
    const before = await appendBatches(server);
    for (let round = 1; round <= 5; round += 1) {
      const payload = { roomId, clientMsgId: `race-${round}`, body: `round ${round}` };
      const replies = await Promise.all([
        ...senders.map((socket) => emitAck(socket, 'message:send', payload)),
        api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: payload.clientMsgId, body: payload.body } }),
      ]);
      const messages = replies.map((reply: any) => ('ok' in reply ? (expect(reply.ok).toBe(true), reply.message) : (expect(reply.status).toBe(201), reply.body.message)));
      expect(new Set(messages.map((message) => message.id)).size).toBe(1);
    }
    // The retries did meet in the database at once (in one commit), in some round at least: else this
    // only tested retries one after another.
    expect((await appendBatches(server)).multi).toBeGreaterThan(before.multi);
    const history = await historyOf(dave, roomId);
    expect(history.body.messages.map((message: any) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.body.messages.map((message: any) => message.clientMsgId)).toEqual(['race-0', 'race-1', 'race-2', 'race-3', 'race-4', 'race-5']);
  });

  it('answers bad input with a clear error, stores nothing and keeps serving', async () => {
    const sender = await open(alice);
    const base = await emitAck(sender, 'message:send', { to: bob.handle, clientMsgId: 'base', body: 'before' });
    const roomId = base.message.roomId;
    const cases: [unknown, string][] = [
      [{ to: 'nobody_like_this', clientMsgId: 'b1', body: 'hi' }, 'not_found'],
      [{ to: bob.handle, clientMsgId: 'b2', body: '' }, 'bad_request'],
      [{ to: bob.handle, clientMsgId: 'b3', body: '   ' }, 'bad_request'],
      [{ to: bob.handle, clientMsgId: 'b4', body: 'x'.repeat(4001) }, 'bad_request'],
      [{ to: bob.handle, body: 'no id' }, 'bad_request'],
      [{ clientMsgId: 'b5', body: 'nowhere' }, 'bad_request'],
      [{ to: bob.handle, clientMsgId: 'b6', body: 42 }, 'bad_request'],
      [{ to: bob.handle, clientMsgId: 7, body: 'hi' }, 'bad_request'],
      ['just a string', 'bad_request'],
      [null, 'bad_request'],
      [{ to: alice.handle, clientMsgId: 'b7', body: 'to myself' }, 'bad_request'],
      [{ roomId: 'no-such-room', clientMsgId: 'b8', body: 'hi' }, 'not_found'],
    ];
    for (const [payload, code] of cases) {
      const ack = await emitAck(sender, 'message:send', payload);
      expect(ack.ok, JSON.stringify(payload)).toBe(false);
      expect(ack.error.code, JSON.stringify(payload)).toBe(code);
      expect(ack.error.message.length).toBeGreaterThan(0);
    }
    // Missing fields are named, not reported as a bare "invalid input".
    expect((await emitAck(sender, 'message:send', { to: bob.handle, body: 'no id' })).error.message).toMatch(/clientMsgId/);
    expect((await emitAck(sender, 'message:send', { clientMsgId: 'b9', body: 'nowhere' })).error.message).toMatch(/"to".*"roomId"/);
    expect((await emitAck(sender, 'message:send', { to: bob.handle, roomId, clientMsgId: 'b9', body: 'both' })).error.message).toMatch(/exactly one/);
    const exactly4000 = await emitAck(sender, 'message:send', { roomId, clientMsgId: 'max', body: 'y'.repeat(4000) });
    expect(exactly4000.ok).toBe(true);
    const history = await historyOf(alice, roomId);
    expect(history.body.messages.slice(-2).map((message: any) => message.clientMsgId)).toEqual(['base', 'max']);
    const rejectedIds = new Set(['b1', 'b2', 'b3', 'b4', 'b6', 'b7', 'b8']);
    expect(history.body.messages.filter((message: any) => rejectedIds.has(message.clientMsgId))).toEqual([]);
  });

  it('keeps history private to the conversation: 404 for non-members and unknown rooms', async () => {
    const sender = await open(alice);
    const ack = await emitAck(sender, 'message:send', { to: bob.handle, clientMsgId: 'private', body: 'just us' });
    const outsider = await historyOf(carol, ack.message.roomId);
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('not_found');
    expect((await historyOf(carol, 'does-not-exist')).status).toBe(404);
    const intruder = await open(carol);
    const reply = await emitAck(intruder, 'message:send', { roomId: ack.message.roomId, clientMsgId: 'z', body: 'let me in' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const badLimit = await api(server.url, `/api/v1/rooms/${ack.message.roomId}/messages?limit=abc`, { token: alice.token });
    expect(badLimit.status).toBe(400);
  });

  it('pages history oldest first with a limit', async () => {
    const sender = await open(alice);
    const dave = await createUser(server.url, 'dave');
    let roomId = '';
    for (let index = 1; index <= 5; index += 1) {
      const ack = await emitAck(sender, 'message:send', { to: dave.handle, clientMsgId: `p${index}`, body: `m${index}` });
      roomId = ack.message.roomId;
    }
    const newest = await api(server.url, `/api/v1/rooms/${roomId}/messages?limit=2`, { token: dave.token });
    expect(newest.body.messages.map((message: any) => message.seq)).toEqual([4, 5]);
    expect(newest.body.hasMore).toBe(true);
    const seqs = async (query: string) =>
      (await api(server.url, `/api/v1/rooms/${roomId}/messages?${query}`, { token: dave.token })).body;
    expect((await seqs('beforeSeq=4&limit=2')).messages.map((message: any) => message.seq)).toEqual([2, 3]);
    expect((await seqs('afterSeq=1&limit=2')).messages.map((message: any) => message.seq)).toEqual([2, 3]);
    // Both cursors: the range between them, forward.
    const range = await seqs('afterSeq=1&beforeSeq=5&limit=2');
    expect(range.messages.map((message: any) => message.seq)).toEqual([2, 3]);
    expect(range.hasMore).toBe(true);
    expect((await seqs('afterSeq=2&beforeSeq=5')).messages.map((message: any) => message.seq)).toEqual([3, 4]);
  });

  it('answers unknown API paths with the JSON error shape', async () => {
    const reply = await api(server.url, '/api/v1/no-such-thing', { token: alice.token });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await api(server.url, '/api/v1/rooms/x/nope', { token: alice.token, body: {} })).status).toBe(404);
  });

  it('answers every method an endpoint does not take with a JSON 405 naming the ones it does', async () => {
    // Every route file on disk, so that a new endpoint without its refusals fails here.
    const apiRoot = path.resolve(import.meta.dirname, '../../app/api/v1');
    const routeFiles = readdirSync(apiRoot, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('route.ts') && !file.includes('[...'));
    expect(routeFiles.length).toBeGreaterThan(25);
    for (const file of routeFiles) {
      const source = readFileSync(path.join(apiRoot, file), 'utf8');
      const served = METHODS.filter((method) => new RegExp(`export const ${method}\\b`).test(source));
      const urlPath = `/api/v1/${path.dirname(file).replace(/\[\w+\]/g, 'x')}`;
      for (const method of METHODS.filter((method) => !served.includes(method))) {
        const reply = await fetch(`${server.url}${urlPath}`, { method, headers: { authorization: `Bearer ${alice.token}` } });
        expect(reply.status, `${method} ${urlPath}`).toBe(405);
        expect(reply.headers.get('allow'), `${method} ${urlPath}`).toBe(served.join(', '));
        expect(await reply.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining(served[0]) } });
      }
    }
  });
});

describe('browser sessions (next-auth cookie)', () => {
  it('accepts the session cookie on REST and the socket, and signing out ends only that session', async () => {
    const first = await browserSignIn(server.url, bob, 'Browser-One');
    const second = await browserSignIn(server.url, bob, 'Browser-Two');
    expect(first.sessionCookie).toBeTruthy();
    expect(second.sessionCookie).toBeTruthy();
    expect((await api(server.url, '/api/v1/rooms', { cookie: first.sessionCookie! })).status).toBe(200);
    const socket = await connect(server.url, { cookie: first.sessionCookie! });
    socket.close();

    const signOut = await fetch(`${server.url}/api/auth/signout`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `${first.csrfCookie}; ${first.sessionCookie}`,
      },
      body: new URLSearchParams({ csrfToken: first.csrfToken, json: 'true' }),
    });
    expect(signOut.status).toBeLessThan(400);
    // The old cookie is refused even though its JWT has not expired; the other browser stays in.
    expect((await api(server.url, '/api/v1/rooms', { cookie: first.sessionCookie! })).status).toBe(401);
    await expect(connect(server.url, { cookie: first.sessionCookie! })).rejects.toThrow('unauthorized');
    expect((await api(server.url, '/api/v1/rooms', { cookie: second.sessionCookie! })).status).toBe(200);
    expect((await api(server.url, '/api/v1/rooms', { token: bob.token })).status).toBe(200);
  });

  it('refuses a browser sign-in with a wrong password', async () => {
    const attempt = await browserSignIn(server.url, { handle: bob.handle, password: 'wrong password' });
    expect(attempt.sessionCookie).toBeNull();
  });
});
