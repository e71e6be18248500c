import { randomInt } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { TEST_DATABASE_URL } from '../helpers/services';

// Only failed sign-ins are charged, per account and address (plus a cap per address across accounts),
// so a stranger cannot keep anyone out. The base lock is 60 s / RATE_AUTH_PER_MIN = 3 s.
const FREE_FAILURES = 3;
let node: AppServer;

beforeAll(async () => {
  node = await startAppServer({ RATE_AUTH_PER_MIN: '20', RATE_AUTH_BURST: String(FREE_FAILURES), TRUST_PROXY: '1' });
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const freshHandle = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomInt(100_000)}`;
const PASSWORD = 'correct horse battery';

async function post(ip: string, path: string, body: unknown) {
  const response = await fetch(node.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function signUp(handle: string) {
  const reply = await post(freshIp(), '/api/v1/users', { username: handle, password: PASSWORD });
  expect(reply.status).toBe(201);
}

const tokenFor = (ip: string, username: string, password: string) => post(ip, '/api/v1/tokens', { username, password });

/** A browser sign-in through next-auth from an address: the `error` the sign-in page would get, or null. */
async function browserSignIn(ip: string, username: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${node.url}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const response = await fetch(`${node.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip },
    body: new URLSearchParams({ csrfToken, username, password, json: 'true' }),
  });
  const { url } = await response.json();
  return new URL(url).searchParams.get('error');
}

describe('a stranger cannot lock an account', () => {
  it("signs the owner in after a stranger's many wrong passwords from other addresses", async () => {
    const handle = freshHandle('victim');
    await signUp(handle);
    for (let i = 0; i < 4; i++) {
      const ip = freshIp();
      for (let attempt = 0; attempt < FREE_FAILURES + 2; attempt++) await tokenFor(ip, handle, 'wrong password');
      // The stranger's own address is held back…
      expect((await tokenFor(ip, handle, 'wrong password')).status).toBe(429);
    }
    // …while the owner, from theirs, signs in by token and in the browser.
    expect((await tokenFor(freshIp(), handle, PASSWORD)).status).toBe(201);
    expect(await browserSignIn(freshIp(), handle, PASSWORD)).toBeNull();
  });

  it('does not charge the account for sign-ups asking for its taken handle', async () => {
    const handle = freshHandle('taken');
    await signUp(handle);
    for (let i = 0; i < FREE_FAILURES * 3; i++) {
      const reply = await post(freshIp(), '/api/v1/users', { username: handle, password: PASSWORD });
      expect(reply.status).toBe(409);
    }
    expect((await tokenFor(freshIp(), handle, PASSWORD)).status).toBe(201);
  });

  it('never charges successful sign-ins', async () => {
    const handle = freshHandle('often');
    await signUp(handle);
    const ip = freshIp();
    for (let i = 0; i < FREE_FAILURES * 3; i++) expect((await tokenFor(ip, handle, PASSWORD)).status).toBe(201);
  });

  it('forgets an address’s failures on that account once the right password gets through', async () => {
    const handle = freshHandle('forgets');
    await signUp(handle);
    const ip = freshIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < FREE_FAILURES - 1; i++) expect((await tokenFor(ip, handle, 'wrong password')).status).toBe(401);
      expect((await tokenFor(ip, handle, PASSWORD)).status).toBe(201);
    }
  });
});

describe('guessing is still capped', () => {
  it('holds back one address guessing one account, with a wait that doubles', async () => {
    const handle = freshHandle('guessed');
    await signUp(handle);
    const ip = freshIp();
    for (let i = 0; i < FREE_FAILURES; i++) expect((await tokenFor(ip, handle, 'wrong password')).status).toBe(401);
    const first = await tokenFor(ip, handle, 'wrong password');
    expect(first.status).toBe(401);
    const held = await tokenFor(ip, handle, PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error).toMatchObject({ code: 'rate_limited' });
    const firstWait = held.body.error.retryAfterMs as number;
    await new Promise((resolve) => setTimeout(resolve, firstWait + 50));
    expect((await tokenFor(ip, handle, 'wrong password')).status).toBe(401);
    const second = await tokenFor(ip, handle, 'wrong password');
    expect(second.status).toBe(429);
    expect(second.body.error.retryAfterMs).toBeGreaterThan(firstWait * 1.5);
    // The browser sign-in is told to wait too, not "wrong password".
    expect(await browserSignIn(ip, handle, 'wrong password')).toBe('RateLimited');
  });

  it('caps one address across many accounts', async () => {
    const ip = freshIp();
    let limited = false;
    for (let i = 0; i < FREE_FAILURES * 12 && !limited; i++) {
      const reply = await tokenFor(ip, freshHandle('nobody'), 'wrong password');
      limited = reply.status === 429;
    }
    expect(limited).toBe(true);
  });
});

describe('password hashes', () => {
  it('signs in an account hashed by bcryptjs and re-hashes it with the current cost', async () => {
    const handle = freshHandle('legacy');
    await signUp(handle);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      // bcryptjs wrote $2a$ hashes once; the variants differ only for passwords over 255 bytes.
      const legacy = bcryptjs.hashSync(PASSWORD, 4).replace(/^\$2[ab]\$/, () => '$2a$');
      expect(legacy.startsWith('$2a$04$')).toBe(true);
      await client.query('UPDATE "User" SET "password" = $1 WHERE "handle" = $2', [legacy, handle]);
      expect((await tokenFor(freshIp(), handle, 'wrong password')).status).toBe(401);
      expect((await tokenFor(freshIp(), handle, PASSWORD)).status).toBe(201);
      const { rows } = await client.query('SELECT "password" FROM "User" WHERE "handle" = $1', [handle]);
      expect(rows[0].password).toMatch(/^\$2b\$10\$/);
      expect((await tokenFor(freshIp(), handle, PASSWORD)).status).toBe(201);
    } finally {
      await client.end();
    }
  });
});
