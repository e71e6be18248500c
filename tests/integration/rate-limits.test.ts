import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { createGroupAccepted, selfSentinel } from '../helpers/social';

// Real server processes sharing Postgres and Redis. The send bucket is keyed by user id and users
// are new per test, so other suites on the same Redis do not disturb the counts.
const SEND_RATE = 1;
const SEND_BURST = 10;
const SEND_ENV = { RATE_SEND_PER_SEC: String(SEND_RATE), RATE_SEND_BURST: String(SEND_BURST) };
// Auth limits are keyed by client IP: trust X-Forwarded-For on this node so every test uses addresses
// of its own instead of 127.0.0.1, which every other suite's sign-ups share.
const AUTH_BURST = 3;
const AUTH_ENV = { RATE_AUTH_PER_MIN: '1', RATE_AUTH_BURST: String(AUTH_BURST), TRUST_PROXY: '1' };

let nodeA: AppServer;
let nodeB: AppServer;
let authNode: AppServer;
const sockets: TestSocket[] = [];

async function open(node: AppServer, user: TestUser) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** An ack with a long timeout: a flood's acks queue behind each other. */
function send(socket: TestSocket, payload: unknown): Promise<any> {
  return (socket.timeout(60_000) as any).emitWithAck('message:send', payload);
}

// Members accept their invites (issue 12); accepting costs no send tokens.
const groupWith = (owner: TestUser, members: TestUser[]) => createGroupAccepted(nodeA.url, owner, 'limits', members);

async function textMessagesFrom(reader: TestUser, roomId: string, sender: TestUser) {
  const history = await api(nodeA.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: reader.token });
  expect(history.status).toBe(200);
  return history.body.messages.filter((message: any) => message.kind === 'text' && message.sender === sender.handle);
}

/** The most a bucket can have let through over `elapsedMs`: the burst, the refill, and one for rounding. */
const sendBound = (elapsedMs: number) => SEND_BURST + (elapsedMs / 1000) * SEND_RATE + 1;

// A fresh, unroutable address per call, so no two tests (or runs) share an IP bucket.
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** `forwardedFor` is the whole X-Forwarded-For header, as our one trusted proxy would pass it on. */
async function fromIp(forwardedFor: string, path: string, body: unknown) {
  const response = await fetch(authNode.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const freshHandle = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomInt(100_000)}`;

/** A browser sign-in through next-auth from an address: the `error` the sign-in page would get, or null. */
async function browserSignInFromIp(ip: string, username: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${authNode.url}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const response = await fetch(`${authNode.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip },
    body: new URLSearchParams({ csrfToken, username, password, json: 'true' }),
  });
  const { url } = await response.json();
  return new URL(url).searchParams.get('error');
}

beforeAll(async () => {
  [nodeA, nodeB, authNode] = await Promise.all([startAppServer(SEND_ENV), startAppServer(SEND_ENV), startAppServer(AUTH_ENV)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([nodeA, nodeB, authNode].map((node) => node?.stop()));
});

describe('sending is limited per user across nodes', () => {
  it('lets through at most the burst plus the refill when one user sends from two nodes at once', async () => {
    const [sender, reader] = await Promise.all([createUser(nodeA.url, 'flooder'), createUser(nodeB.url, 'reader')]);
    const roomId = await groupWith(sender, [reader]);
    const onA = await open(nodeA, sender);
    const onB = await open(nodeB, sender);

    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, index) => send(index % 2 === 0 ? onA : onB, { roomId, clientMsgId: `two-${index}`, body: `m${index}` })),
    );
    const elapsed = Date.now() - started;

    const accepted = acks.filter((ack) => ack.ok);
    const rejected = acks.filter((ack) => !ack.ok);
    // A bucket per node would let 2 × burst through; the shared one lets the burst (it starts full) and the refill.
    expect(accepted.length).toBeGreaterThanOrEqual(SEND_BURST);
    expect(accepted.length).toBeLessThanOrEqual(sendBound(elapsed));
    expect(rejected.length).toBe(30 - accepted.length);
    for (const ack of rejected) {
      expect(ack.error.code).toBe('rate_limited');
      expect(ack.error.message).toMatch(/too fast/i);
      expect(ack.error.retryAfterMs).toBeGreaterThan(0);
      expect(ack.error.retryAfterMs).toBeLessThanOrEqual(1000 / SEND_RATE);
    }
    // Nothing refused was stored; everything accepted was, exactly once.
    const stored = await textMessagesFrom(reader, roomId, sender);
    expect(stored.map((message: any) => message.clientMsgId).sort()).toEqual(accepted.map((ack) => ack.message.clientMsgId).sort());

    // A refusal says honestly when to come back: after waiting that long, a send goes through.
    const last = await send(onB, { roomId, clientMsgId: 'too-soon', body: 'again' });
    expect(last.ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, last.error.retryAfterMs + 50));
    const afterWait = await send(onA, { roomId, clientMsgId: 'after-wait', body: 'allowed now' });
    expect(afterWait.ok).toBe(true);
  });

  it('answers a limited REST send with 429 and the same error body, storing nothing', async () => {
    const [sender, reader] = await Promise.all([createUser(nodeA.url, 'restflood'), createUser(nodeA.url, 'reader')]);
    const roomId = await groupWith(sender, [reader]);
    const replies = await Promise.all(
      Array.from({ length: SEND_BURST + 5 }, (_, index) =>
        api(index % 2 === 0 ? nodeA.url : nodeB.url, `/api/v1/rooms/${roomId}/messages`, {
          token: sender.token,
          body: { clientMsgId: `rest-${index}`, body: `r${index}` },
        }),
      ),
    );
    const limited = replies.filter((reply) => reply.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(replies.filter((reply) => reply.status !== 429).every((reply) => reply.status === 201)).toBe(true);
    for (const reply of limited) {
      expect(reply.body.error).toMatchObject({ code: 'rate_limited', message: expect.any(String) });
      expect(reply.body.error.retryAfterMs).toBeGreaterThan(0);
    }
    const stored = await textMessagesFrom(reader, roomId, sender);
    expect(stored).toHaveLength(replies.length - limited.length);
  });

  it('stores only what the bucket allows from a flood of 1,000 sends over two nodes, and keeps serving others on both', async () => {
    const [flooder, bystanderA, bystanderB, reader] = await Promise.all([
      createUser(nodeA.url, 'flood'),
      createUser(nodeA.url, 'bystander'),
      createUser(nodeB.url, 'bystander'),
      createUser(nodeA.url, 'reader'),
    ]);
    const roomId = await groupWith(flooder, [bystanderA, bystanderB, reader]);
    // One user, one socket on each node: a bucket per node would let twice the burst through.
    const floodSockets = [await open(nodeA, flooder), await open(nodeB, flooder)];
    const bystanders = [
      { user: bystanderA, node: nodeA, socket: await open(nodeA, bystanderA) },
      { user: bystanderB, node: nodeB, socket: await open(nodeB, bystanderB) },
    ];
    const readerSocket = await open(nodeA, reader);
    const readerInbox = collectMessages(readerSocket);

    const started = Date.now();
    // No awaiting between emits: all 1,000 are on the wire before the first ack.
    const flood = Array.from({ length: 1000 }, (_, index) => send(floodSockets[index % 2], { roomId, clientMsgId: `f-${index}`, body: `flood ${index}` }));

    // Meanwhile another user on each node is served: their sends are stored and REST answers.
    const served = await Promise.all(
      bystanders.map(async ({ user, node, socket }) => {
        const acks = [];
        for (let index = 0; index < 3; index += 1) acks.push(await send(socket, { roomId, clientMsgId: `b-${index}`, body: `${user.handle} here ${index}` }));
        return { acks, rest: await api(node.url, '/api/v1/rooms', { token: user.token }) };
      }),
    );

    const floodAcks = await Promise.all(flood);
    const elapsed = Date.now() - started;

    for (const { acks, rest } of served) {
      expect(acks.map((ack) => ack.ok)).toEqual([true, true, true]);
      expect(rest.status).toBe(200);
      expect(rest.body.rooms.some((room: any) => room.id === roomId)).toBe(true);
    }

    const accepted = floodAcks.filter((ack) => ack.ok);
    expect(accepted.length).toBeGreaterThanOrEqual(SEND_BURST);
    expect(accepted.length).toBeLessThanOrEqual(sendBound(elapsed));
    expect(floodAcks.filter((ack) => !ack.ok).every((ack) => ack.error.code === 'rate_limited' && ack.error.retryAfterMs > 0)).toBe(true);
    // Both nodes took part in the flood and both refused some of it.
    for (const parity of [0, 1]) {
      const fromNode = floodAcks.filter((_, index) => index % 2 === parity);
      expect(fromNode.some((ack) => !ack.ok), `node ${parity}`).toBe(true);
    }

    const storedFlood = await textMessagesFrom(reader, roomId, flooder);
    expect(storedFlood.length).toBe(accepted.length);
    expect(storedFlood.length).toBeLessThanOrEqual(sendBound(elapsed));
    for (const { user } of bystanders) {
      const stored = await textMessagesFrom(reader, roomId, user);
      expect(stored.map((message: any) => message.body)).toEqual([0, 1, 2].map((index) => `${user.handle} here ${index}`));
    }
    // Live delivery matches what was stored: the refused ones were never pushed either.
    await readerInbox.waitFor(accepted.length + 6);
    // Sentinel: the reader's own rename arrives after anything pushed before it.
    await selfSentinel(nodeA.url, reader, readerSocket);
    expect(readerInbox.received.filter((message) => message.kind === 'text')).toHaveLength(accepted.length + 6);

    for (const node of [nodeA, nodeB]) expect((await api(node.url, '/api/v1/rooms', { token: reader.token })).status).toBe(200);
  });

  it('does not charge a retry of an already stored message', async () => {
    const [sender, reader] = await Promise.all([createUser(nodeA.url, 'retrier'), createUser(nodeA.url, 'reader')]);
    const roomId = await groupWith(sender, [reader]);
    const socket = await open(nodeA, sender);
    const first = await send(socket, { roomId, clientMsgId: 'once', body: 'only once' });
    expect(first.ok).toBe(true);
    // Resending the stored message is answered from the database, even with the bucket empty.
    const retries = await Promise.all(Array.from({ length: SEND_BURST * 2 }, () => send(socket, { roomId, clientMsgId: 'once', body: 'only once' })));
    for (const ack of retries) expect(ack).toEqual(first);
    const fresh = await send(socket, { roomId, clientMsgId: 'fresh', body: 'new one' });
    expect(fresh.ok).toBe(true);
  });

  it('answers a retry at an empty bucket only while the sender may still write there', async () => {
    const [owner, member] = await Promise.all([createUser(nodeA.url, 'owner'), createUser(nodeA.url, 'member')]);
    const roomId = await groupWith(owner, [member]);
    const socket = await open(nodeA, member);
    const stored = await send(socket, { roomId, clientMsgId: 'mine', body: 'mine' });
    expect(stored.ok).toBe(true);
    // Empty the member's bucket.
    for (let index = 0; index < SEND_BURST + 2; index += 1) await send(socket, { roomId, clientMsgId: `fill-${index}`, body: 'filler' });
    expect(await send(socket, { roomId, clientMsgId: 'mine', body: 'mine' })).toEqual(stored);
    // Once removed from the group, the same retry is a send to a room they are not in.
    expect((await api(nodeA.url, `/api/v1/groups/${roomId}/users/${member.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
    expect(await send(socket, { roomId, clientMsgId: 'mine', body: 'mine' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('sign-ups are limited per IP; failed sign-ins per account and IP', () => {
  it('limits sign-ups per client IP with 429, leaving other addresses alone', async () => {
    const ip = freshIp();
    const replies = [];
    for (let index = 0; index < AUTH_BURST + 2; index += 1) {
      replies.push(await fromIp(ip, '/api/v1/users', { username: `su_${Date.now().toString(36)}${randomInt(1000)}_${index}`, password: 'long enough pw' }));
    }
    expect(replies.slice(0, AUTH_BURST).map((reply) => reply.status)).toEqual(Array(AUTH_BURST).fill(201));
    for (const reply of replies.slice(AUTH_BURST)) {
      expect(reply.status).toBe(429);
      expect(reply.body.error.code).toBe('rate_limited');
      expect(reply.body.error.retryAfterMs).toBeGreaterThan(0);
    }
    // Even a malformed sign-up counts (the limit comes before parsing), and another address is unaffected.
    expect((await fromIp(ip, '/api/v1/users', {})).status).toBe(429);
    const other = await fromIp(freshIp(), '/api/v1/users', { username: `su_${Date.now().toString(36)}${randomInt(1000)}_x`, password: 'long enough pw' });
    expect(other.status).toBe(201);
  });

  // Sign-ins are charged only when they fail (auth-lockout.test.ts has the stranger's side of it).
  it('holds back an address after too many failed token requests across accounts', async () => {
    const user = await createUser(nodeA.url, 'tok');
    const ip = freshIp();
    const statuses = [];
    // The address cap is four times the burst of free failures.
    for (let index = 0; index < AUTH_BURST * 4 + 1; index += 1) statuses.push((await fromIp(ip, '/api/v1/tokens', { username: freshHandle('nobody'), password: 'wrong password' })).status);
    expect(statuses).toEqual(Array(AUTH_BURST * 4 + 1).fill(401));
    const held = await fromIp(ip, '/api/v1/tokens', { username: user.handle, password: user.password });
    expect(held.status).toBe(429);
    expect(held.body.error).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
    // The account was not the problem: from another address it signs in.
    expect((await fromIp(freshIp(), '/api/v1/tokens', { username: user.handle, password: user.password })).status).toBe(201);
  });

  it('holds back one address guessing one account, not the owner signing in elsewhere', async () => {
    const [target, bystander] = await Promise.all([createUser(nodeA.url, 'target'), createUser(nodeA.url, 'other')]);
    const ip = freshIp();
    for (let index = 0; index <= AUTH_BURST; index += 1) {
      const wrong = await fromIp(ip, '/api/v1/tokens', { username: target.handle, password: `wrong password ${index}` });
      expect(wrong.status).toBe(401);
    }
    const limited = await fromIp(ip, '/api/v1/tokens', { username: target.handle.toUpperCase(), password: target.password });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.retryAfterMs).toBeGreaterThan(0);
    expect((await fromIp(freshIp(), '/api/v1/tokens', { username: target.handle, password: target.password })).status).toBe(201);
    // The same address still signs another account in.
    expect((await fromIp(ip, '/api/v1/tokens', { username: bystander.handle, password: bystander.password })).status).toBe(201);
  });

  it('takes the client address from the rightmost X-Forwarded-For entry: what the client prepends is ignored', async () => {
    const realIp = freshIp();
    const statuses = [];
    for (let index = 0; index < AUTH_BURST + 2; index += 1) {
      // A client varying its own X-Forwarded-For; the proxy appends the address it saw.
      statuses.push((await fromIp(`${freshIp()}, ${freshIp()}, ${realIp}`, '/api/v1/users', { username: freshHandle('xff'), password: 'long enough pw' })).status);
    }
    expect(statuses).toEqual([...Array(AUTH_BURST).fill(201), 429, 429]);
    // The same spoofed left-hand entries behind a different real address are fine.
    expect((await fromIp(`${realIp}, ${freshIp()}`, '/api/v1/users', { username: freshHandle('xff'), password: 'long enough pw' })).status).toBe(201);
  });

  it('tells a limited browser sign-in so, instead of "wrong password"', async () => {
    const user = await createUser(nodeA.url, 'browser');
    const ip = freshIp();
    for (let index = 0; index <= AUTH_BURST; index += 1) {
      expect(await browserSignInFromIp(ip, user.handle, `wrong password ${index}`)).toBe('CredentialsSignin');
    }
    // This address is held back on this account: even the right password from it is told to wait…
    expect(await browserSignInFromIp(ip, user.handle, user.password)).toBe('RateLimited');
    // …while the owner, from another address, signs in.
    expect(await browserSignInFromIp(freshIp(), user.handle, user.password)).toBeNull();
  });
});
