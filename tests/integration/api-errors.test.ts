import { randomInt } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';

// Bad input gets a JSON 4xx (never a plain-text 500), and every socket event gets an ack.
let node: AppServer;
let admin: TestUser;
let alice: TestUser;
let roomId: string;
const adminHandle = uniqueHandle('errs_admin');
const sockets: TestSocket[] = [];

beforeAll(async () => {
  node = await startAppServer({ RELAY_ADMINS: adminHandle });
  const password = 'correct horse battery';
  expect((await api(node.url, '/api/v1/users', { body: { username: adminHandle, password } })).status).toBe(201);
  admin = { handle: adminHandle, password, token: (await api(node.url, '/api/v1/tokens', { body: { username: adminHandle, password } })).body.token };
  alice = await createUser(node.url, 'errs_a');
  const group = await api(node.url, '/api/v1/groups', { token: alice.token, body: { name: 'errors', members: [admin.handle] } });
  expect(group.status).toBe(201);
  roomId = group.body.room.id;
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

/** The status, and the body that must be a JSON error envelope. */
async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(node.url + path, init);
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${path} → ${response.status}, not JSON: ${text.slice(0, 120)}`);
  }
  return { status: response.status, body, type: response.headers.get('content-type') };
}

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });
const jsonPost = (user: TestUser, body: unknown) => ({ method: 'POST', headers: { ...bearer(user), 'content-type': 'application/json' }, body: JSON.stringify(body) });

function expectJsonError(reply: { status: number; body: any; type: string | null }, status: number | [number, number], code?: string) {
  if (Array.isArray(status)) {
    expect(reply.status).toBeGreaterThanOrEqual(status[0]);
    expect(reply.status).toBeLessThanOrEqual(status[1]);
  } else expect(reply.status).toBe(status);
  expect(reply.type).toMatch(/application\/json/);
  expect(reply.body.error).toMatchObject({ code: code ?? expect.any(String), message: expect.any(String) });
}

describe('REST: bad input is a JSON 4xx', () => {
  it('answers a malformed %-escape in the path with 400', async () => {
    for (const path of [`/api/v1/rooms/%E0%A4%A/messages`, '/api/v1/rooms/%/read', '/api/v1/users/%zz', '/api/nothing/%']) {
      expectJsonError(await raw(path, { headers: bearer(alice) }), [400, 404]);
    }
    expectJsonError(await raw('/api/v1/rooms/%E0%A4%A/messages', { headers: bearer(alice) }), 400, 'bad_request');
    // Answered before Next: with the headers every other answer has (its own strict policy: it is no page).
    for (const path of ['/api/%ZZ', '/c/%ZZ']) {
      const { status, headers } = await fetch(node.url + path);
      expect(status).toBe(400);
      expect(Object.fromEntries(['cache-control', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'].map((name) => [name, headers.get(name)]))).toEqual({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'strict-origin-when-cross-origin',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
    }
  });

  it("gives Socket.io's own answers (long-polling, its errors) the headers every other answer has", async () => {
    const strict = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    };
    const pick = (headers: Headers) => Object.fromEntries(Object.keys(strict).map((name) => [name, headers.get(name)]));
    const handshake = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    expect(pick(handshake.headers)).toEqual(strict);
    const unknown = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling&sid=nobody`);
    expect(unknown.status).toBe(400);
    expect(pick(unknown.headers)).toEqual(strict);
  });

  it('answers a query that is not UTF-8 with 400, before a trailing-slash redirect could triple it', async () => {
    // Found by the fuzz suite (seed 451792544): the redirect's Location grew past what fetch reads.
    for (const path of [`/api/v1/rooms?x=%ED%A0%80`, `/api/v1/?clientMsgId=${'%ED%A0%80'.repeat(1000)}`]) {
      expectJsonError(await raw(path, { headers: bearer(alice) }), 400, 'bad_request');
    }
  });

  it('refuses a seq of 2^31 or more with 400', async () => {
    for (const seq of [2 ** 31, 2 ** 53 - 1]) {
      expectJsonError(await raw(`/api/v1/rooms/${roomId}/read`, jsonPost(alice, { seq })), 400, 'bad_request');
      expectJsonError(await raw(`/api/v1/rooms/${roomId}/messages?afterSeq=${seq}`, { headers: bearer(alice) }), 400, 'bad_request');
      expectJsonError(await raw(`/api/v1/rooms/${roomId}/messages?beforeSeq=${seq}`, { headers: bearer(alice) }), 400, 'bad_request');
    }
  });

  it('takes a number in a query string only as digits', async () => {
    for (const limit of ['0x10', '1e1', '%205', '', '-1', '1.5', '0']) {
      const reply = await raw(`/api/v1/rooms/${roomId}/messages?limit=${limit}`, { headers: bearer(alice) });
      expectJsonError(reply, 400, 'bad_request');
      expect(reply.body.error.message).toMatch(/^limit: must be/);
      expectJsonError(await raw(`/api/v1/search?q=errors&limit=${limit}`, { headers: bearer(alice) }), 400, 'bad_request');
      expectJsonError(await raw(`/api/v1/mentions?limit=${limit}`, { headers: bearer(alice) }), 400, 'bad_request');
    }
    const page = await raw(`/api/v1/rooms/${roomId}/messages?limit=007&afterSeq=0`, { headers: bearer(alice) });
    expect(page.status).toBe(200);
    expect(page.body.messages.length).toBeGreaterThan(0);
  });

  it('refuses a NUL anywhere in an /api URL with 400, even in a parameter nobody reads', async () => {
    for (const path of ['/api/v1/rooms?%00=1', '/api/v1/me?x=%00', '/api/v1/me?x=a%00b&y=2']) expectJsonError(await raw(path, { headers: bearer(alice) }), 400, 'bad_request');
  });

  it('refuses a NUL in the admin search with 400', async () => {
    expectJsonError(await raw('/api/v1/admin/users?q=a%00b', { headers: bearer(admin) }), 400, 'bad_request');
    expect((await raw('/api/v1/admin/users?q=errs', { headers: bearer(admin) })).status).toBe(200);
  });

  it('answers %25 (a lone "%") as a handle in admin routes with a 4xx', async () => {
    const reason = { reason: 'test' };
    for (const action of ['ban', 'restore']) {
      expectJsonError(await raw(`/api/v1/admin/users/%25/${action}`, jsonPost(admin, reason)), [400, 404]);
    }
    expectJsonError(await raw('/api/v1/admin/users/%25/suspend', jsonPost(admin, { reason: 'x', durationMs: 60_000 })), [400, 404]);
  });

  // Next cannot take these at all (TRACE is a plain-text 500 and an error logged, the others an empty 400).
  it('answers a method no endpoint serves with a JSON 501 under /api, before authentication', async () => {
    // node:http, as fetch itself refuses TRACE.
    const send = (method: string, path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: any; type: string | null; frame: unknown }>((resolve, reject) => {
        http
          .request(node.url + path, { method, headers }, (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk) => (text += chunk));
            response.on('end', () => {
              const type = response.headers['content-type'] ?? null;
              resolve({ status: response.statusCode!, body: type?.includes('json') ? JSON.parse(text) : text, type, frame: response.headers['x-frame-options'] });
            });
          })
          .on('error', reject)
          .end();
      });
    for (const method of ['TRACE', 'PROPFIND', 'SEARCH', 'PURGE']) {
      for (const path of ['/api/v1/me', '/api/v1/rooms', '/api/auth/session', '/api/nothing']) {
        expectJsonError(await send(method, path, bearer(alice)), 501, 'not_implemented');
        expectJsonError(await send(method, path), 501, 'not_implemented');
      }
      const page = await send(method, '/signin');
      expect([page.status, page.frame]).toEqual([501, 'DENY']);
    }
    // Still a 405 naming the endpoint's methods for one Next takes.
    const put = await fetch(`${node.url}/api/v1/me`, { method: 'PUT', headers: bearer(alice) });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, PATCH, DELETE']);
  });

  it("answers Next's own 404 under /api in JSON", async () => {
    for (const path of ['/api', '/api/nothing', '/api/auth-nothing/x', `/api/x${randomInt(1000)}/y/z`]) {
      expectJsonError(await raw(path), 404, 'not_found');
      expectJsonError(await raw(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 404, 'not_found');
    }
  });
});

describe('socket: every event gets an ack', () => {
  it('answers an unknown event with bad_request', async () => {
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    // "error" too, which Socket.io itself listens for (and so went unanswered).
    for (const event of ['room:explode', 'error']) {
      const reply = await (socket.timeout(5_000) as any).emitWithAck(event, { roomId });
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request', message: `Unknown event "${event}".` } });
    }
  });

  it('answers an event with extra arguments with bad_request, and does not act on it', async () => {
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    const reply = await (socket.timeout(5_000) as any).emitWithAck('message:send', { roomId, clientMsgId: 'extra-args', body: 'x' }, 'extra');
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const history = await api(node.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token });
    expect(history.body.messages.some((message: any) => message.clientMsgId === 'extra-args')).toBe(false);
  });

  it('answers seq ≥ 2^31 over the socket with bad_request', async () => {
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    for (const event of ['room:read', 'room:delivered']) {
      const reply = await (socket.timeout(5_000) as any).emitWithAck(event, { roomId, seq: 2 ** 31 });
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const sync = await (socket.timeout(5_000) as any).emitWithAck('room:sync', { roomId, afterSeq: 2 ** 31 });
    expect(sync).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
