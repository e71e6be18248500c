import { randomInt, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, browserSignIn, connectWatched, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';

// Real server process on real Postgres and Redis, with the sign-in lock-out of auth-lockout.test.ts:
// 3 free failures per account and address, then a wait.
const FREE_FAILURES = 3;
const NEW_PASSWORD = 'a brand new passphrase';
let server: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startAppServer({ RATE_AUTH_PER_MIN: '20', RATE_AUTH_BURST: String(FREE_FAILURES), TRUST_PROXY: '1' });
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

// Each test from an address of its own, so one test's failures never hold back another's.
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function post(ip: string, path: string, body: unknown, token?: string) {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A new account, signed up from an address of its own: sign-ups share the tight auth limit per address. */
async function newUser(prefix: string): Promise<TestUser> {
  const ip = freshIp();
  const handle = uniqueHandle(prefix);
  const password = 'correct horse battery';
  expect((await post(ip, '/api/v1/users', { username: handle, password })).status).toBe(201);
  const token = await post(ip, '/api/v1/tokens', { username: handle, password });
  expect(token.status).toBe(201);
  return { handle, password, token: token.body.token };
}

const changePassword = (ip: string, user: TestUser, currentPassword: string, newPassword: string) =>
  post(ip, '/api/v1/me/password', { currentPassword, newPassword }, user.token);
const tokenFor = (ip: string, user: TestUser, password: string) => post(ip, '/api/v1/tokens', { username: user.handle, password });

async function watch(token: string) {
  const watched = await connectWatched(server.url, { token });
  sockets.push(watched.socket);
  return watched;
}

describe('POST /api/v1/me/password', () => {
  it('replaces the password: the old one gets no token, the new one does', async () => {
    const user = await newUser('pw');
    const ip = freshIp();
    const reply = await changePassword(ip, user, user.password, NEW_PASSWORD);
    expect(reply).toEqual({ status: 200, body: { ok: true } });
    expect((await tokenFor(ip, user, user.password)).status).toBe(401);
    expect((await tokenFor(freshIp(), user, NEW_PASSWORD)).status).toBe(201);
  });

  it('signs out every other session, live, and keeps the current one', async () => {
    const user = await newUser('pw');
    const other = (await tokenFor(freshIp(), user, user.password)).body.token as string;
    const browser = await browserSignIn(server.url, user);
    const otherSocket = await watch(other);
    const currentSocket = await watch(user.token);

    expect((await changePassword(freshIp(), user, user.password, NEW_PASSWORD)).status).toBe(200);
    // The change answers once every node has cut the other session's sockets.
    await expect(otherSocket.cut).resolves.toBe('io server disconnect');
    expect((await api(server.url, '/api/v1/me', { token: other })).status).toBe(401);
    expect((await api(server.url, '/api/v1/me', { cookie: browser.sessionCookie! })).status).toBe(401);
    await expect(connectWatched(server.url, { token: other })).rejects.toThrow('unauthorized');

    expect((await api(server.url, '/api/v1/me', { token: user.token })).status).toBe(200);
    // The current socket still answers (its session's look-up after the cut finds it live).
    expect(await emitAck(currentSocket.socket, 'presence:query', { handles: [user.handle] })).toMatchObject({ ok: true });
    expect(currentSocket.socket.connected).toBe(true);
  });

  it('changes nothing when the other sessions cannot be signed out: the old password and sessions stay', async () => {
    const user = await newUser('pw');
    const other = (await tokenFor(freshIp(), user, user.password)).body.token as string;
    // The database refuses to end this user's sessions (a trigger for this test), as a failure midway would.
    const database = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await database.connect();
    const trigger = `refuse_${randomUUID().replaceAll('-', '')}`;
    const { rows } = await database.query('SELECT id FROM "User" WHERE handle = $1', [user.handle]);
    try {
      await database.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW."userId" = '${rows[0].id}' AND NEW."revokedAt" IS NOT NULL THEN RAISE EXCEPTION 'refused for the test'; END IF;
          RETURN NEW;
        END $$`);
      await database.query(`CREATE TRIGGER ${trigger} BEFORE UPDATE ON "DeviceSession" FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
      const reply = await changePassword(freshIp(), user, user.password, NEW_PASSWORD);
      expect(reply.status).toBeGreaterThanOrEqual(500);
    } finally {
      await database.query(`DROP TRIGGER IF EXISTS ${trigger} ON "DeviceSession"`);
      await database.query(`DROP FUNCTION IF EXISTS ${trigger}()`);
      await database.end();
    }
    expect((await tokenFor(freshIp(), user, NEW_PASSWORD)).status).toBe(401);
    expect((await tokenFor(freshIp(), user, user.password)).status).toBe(201);
    expect((await api(server.url, '/api/v1/me', { token: other })).status).toBe(200);
  });

  it('refuses a wrong current password with 403, charged to the sign-in lock-out', async () => {
    const user = await newUser('pw');
    const ip = freshIp();
    for (let i = 0; i <= FREE_FAILURES; i++) {
      const reply = await changePassword(ip, user, 'not my password', NEW_PASSWORD);
      expect(reply.status).toBe(403);
      expect(reply.body.error).toEqual({ code: 'forbidden', message: 'The current password is wrong.' });
    }
    // Held back now, here and at the sign-in of the same account from the same address…
    const held = await changePassword(ip, user, user.password, NEW_PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('rate_limited');
    expect((await tokenFor(ip, user, user.password)).status).toBe(429);
    // …and the password is unchanged, while the session that guessed is still signed in (a 403 is no sign-out).
    expect((await tokenFor(freshIp(), user, user.password)).status).toBe(201);
    expect((await api(server.url, '/api/v1/me', { token: user.token })).status).toBe(200);
  });

  it('refuses an invalid new password with 400 and keeps the old one', async () => {
    const user = await newUser('pw');
    const ip = freshIp();
    for (const body of [
      { currentPassword: user.password, newPassword: 'short' },
      { currentPassword: user.password, newPassword: 'é'.repeat(37) },
      { currentPassword: user.password, newPassword: user.password },
      { currentPassword: user.password },
      { currentPassword: user.password, newPassword: NEW_PASSWORD, extra: true },
    ]) {
      const reply = await post(ip, '/api/v1/me/password', body, user.token);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
    }
    expect((await tokenFor(ip, user, user.password)).status).toBe(201);
  });

  it('needs a signed-in caller', async () => {
    const reply = await post(freshIp(), '/api/v1/me/password', { currentPassword: 'whatever it is', newPassword: NEW_PASSWORD });
    expect(reply.status).toBe(401);
  });
});
