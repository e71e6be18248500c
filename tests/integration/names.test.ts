import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { createGroupAccepted } from '../helpers/social';

// Names follow the body rules (no control characters, no bidi overrides that disguise text), and no
// text may be only invisible characters or hold a lone surrogate.
let node: AppServer;
let alice: TestUser;
let bob: TestUser;
let roomId: string;
const sockets: TestSocket[] = [];

const SPOOFS = ['\u202Egnp.exe', 'Bob\u2066', 'tab\tname', 'bell\u0007', 'line\nbreak', '\u200B\u200B', '\u200D\u2060\uFEFF', 'half \uD800 pair', '\uDC00', '\uFE0F\uFE0E\uFE00', '\u{E0100}', 'Bob\u0085Admin', 'Bob\u009B31m', 'Bob\u2028Admin', 'see \uFFF9hidden\uFFFB'];
const INVISIBLE_BODIES = ['\u200B', '\u200B \u200C\u200D', '\u2060\uFEFF\u00AD', '\u3164', ' \u2800 ', '\uFE0F', '\uFE0F \u{E01EF}'];

beforeAll(async () => {
  node = await startAppServer();
  [alice, bob] = await Promise.all([createUser(node.url, 'names_a'), createUser(node.url, 'names_b')]);
  // bob is a stranger to alice: invited, he accepts, so the group is open (not closed with one member).
  roomId = await createGroupAccepted(node.url, alice, 'names', [bob]);
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

describe('display and group names', () => {
  it.each(SPOOFS)('refuses %j as a display name, at sign-up and later', async (name) => {
    const signUp = await api(node.url, '/api/v1/users', { body: { username: uniqueHandle('nm'), password: 'correct horse battery', displayName: name } });
    expect(signUp.status).toBe(400);
    expect(signUp.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/displayName/) });
    const update = await api(node.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: name } });
    expect(update.status).toBe(400);
  });

  it('refuses the name deleted accounts are shown under, at sign-up and later', async () => {
    for (const name of ['Deleted account', 'ｄｅｌｅｔｅｄ Account']) {
      const signUp = await api(node.url, '/api/v1/users', { body: { username: uniqueHandle('nm'), password: 'correct horse battery', displayName: name } });
      expect(signUp).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringMatching(/displayName: must not be "Deleted account"/) } } });
      expect((await api(node.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: name } })).status).toBe(400);
    }
  });

  it.each(SPOOFS)('refuses %j as a group name', async (name) => {
    const reply = await api(node.url, '/api/v1/groups', { token: alice.token, body: { name, members: [bob.handle] } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('bad_request');
  });

  it('still takes names in any script, with emoji and right-to-left text', async () => {
    for (const name of ['Zoë', 'محمد', 'שלום עולם', '山田 太郎', 'Ana 👩‍💻']) {
      const reply = await api(node.url, '/api/v1/me', { method: 'PATCH', token: alice.token, body: { displayName: name } });
      expect(reply.status).toBe(200);
      expect(reply.body.user.displayName).toBe(name);
    }
  });
});

describe('names behind handles (GET /users?handles=)', () => {
  it('names the handles that exist, in the order asked, and skips the rest', async () => {
    const reply = await api(node.url, `/api/v1/users?handles=${bob.handle},nobody_here_x,${alice.handle},${bob.handle}`, { token: bob.token });
    expect(reply.status).toBe(200);
    expect(reply.body.users.map((user: { handle: string }) => user.handle)).toEqual([bob.handle, alice.handle]);
    expect(reply.body.users[1]).toEqual({ handle: alice.handle, displayName: expect.any(String), avatarUrl: null });
  });

  it('refuses an empty list, a bad handle and too many, and asks to be signed in', async () => {
    for (const query of ['handles=', 'handles=Not%20a%20handle', `handles=${Array.from({ length: 51 }, (_, index) => `h${index}x`).join(',')}`]) {
      const reply = await api(node.url, `/api/v1/users?${query}`, { token: bob.token });
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
    }
    expect((await api(node.url, `/api/v1/users?handles=${bob.handle}`)).status).toBe(401);
  });
});

describe('message bodies', () => {
  it.each(INVISIBLE_BODIES)('refuses the invisible-only body %j over REST and the socket', async (body) => {
    const rest = await api(node.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: `inv-${Math.random()}`, body } });
    expect(rest.status).toBe(400);
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    const ack = await emitAck(socket, 'message:send', { roomId, clientMsgId: `inv-${Math.random()}`, body });
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses a body holding a lone surrogate, and takes one with a whole pair', async () => {
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    for (const body of ['broken \uD83D here', 'end \uDE00']) {
      const ack = await emitAck(socket, 'message:send', { roomId, clientMsgId: `sur-${Math.random()}`, body });
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const whole = await emitAck(socket, 'message:send', { roomId, clientMsgId: `sur-${Math.random()}`, body: 'fine \uD83D\uDE00 \u200B with a zero-width space' });
    expect(whole.ok).toBe(true);
  });
});
