import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatus } from '@/lib/errors';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';
import { createGroupAccepted } from '../helpers/social';
import { throwawayRedis } from '../helpers/throwaway-redis';
import { waitFor } from '../helpers/wait';

// Health, readiness, metrics and logs, on real server processes.
const METRICS_TOKEN = 'metrics-token-0123456789';
const SECRET_BODY = 'a body that must never reach the logs';
let node: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  node = await startAppServer({ METRICS_TOKEN });
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

const get = async (server: AppServer, path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(server.url + path, { headers });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get('content-type') ?? '', json: () => JSON.parse(text) };
};

describe('health and readiness', () => {
  it('answers /api/health while the process is up', async () => {
    const reply = await get(node, '/api/health');
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ status: 'ok' });
  });

  it('answers /api/ready with every check passing', async () => {
    const reply = await get(node, '/api/ready');
    expect(reply.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, redis: { ok: true } } });
  });

  it('answers /api/ready with 503 once its Redis is gone, while /api/health stays up', async () => {
    // A Redis of this test's own (FAULT_REDIS_PORT, as the fault tests), stopped under the running node.
    const redis = throwawayRedis(Number(process.env.FAULT_REDIS_PORT ?? 6461));
    await redis.start();
    try {
      // Without METRICS_TOKEN: no metrics endpoint at all.
      const own = await startAppServer({ REDIS_URL: redis.url });
      try {
        expect((await get(own, '/api/metrics')).status).toBe(404);
        expect((await get(own, '/api/ready')).json()).toMatchObject({ status: 'ready' });
        await redis.kill();
        const reply = await get(own, '/api/ready');
        expect(reply.status).toBe(503);
        expect(reply.json()).toMatchObject({ status: 'unavailable', checks: { database: { ok: true }, redis: { ok: false, error: expect.any(String) } } });
        expect((await get(own, '/api/health')).status).toBe(200);
      } finally {
        await own.stop('SIGKILL');
      }
    } finally {
      await redis.kill();
    }
  }, 120_000);
});

describe('readiness while Redis is down', () => {
  it('answers 503 at once, not after the 5 s bound, and ready again once Redis is back', async () => {
    const redis = throwawayRedis(Number(process.env.FAULT_REDIS_PORT ?? 6461));
    await redis.start();
    const own = await startAppServer({ REDIS_URL: redis.url });
    try {
      await redis.kill();
      await waitFor(() => own.output().includes('ECONNREFUSED'), 10_000, 'the node to notice');
      const startedAt = Date.now();
      const reply = await get(own, '/api/ready');
      expect(reply.status).toBe(503);
      expect(reply.json().checks.redis).toEqual({ ok: false, error: expect.stringMatching(/^Redis is not connected/) });
      // A PING to a Redis that is down waited in ioredis' offline queue for the whole bound (and stayed there):
      // the error above said "no answer in 5000 ms". Well under the bound, with room for a loaded machine (a
      // CI run beside other work took 2.3 s).
      expect(Date.now() - startedAt).toBeLessThan(4_000);
      await redis.start();
      await waitFor(async () => (await get(own, '/api/ready')).status === 200, 10_000, 'ready again');
    } finally {
      await own.stop('SIGKILL');
      await redis.kill();
    }
  }, 60_000);
});

describe('metrics', () => {
  it('wants the token when METRICS_TOKEN is set (without it, 404: see the readiness test)', async () => {
    expect((await get(node, '/api/metrics')).status).toBe(401);
    expect((await get(node, '/api/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    // As long as the token in characters but not in bytes (a header byte above 0x7f is one character): 401, not 500.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(node.port, '127.0.0.1', () => {
        const wrong = Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xe9]), Buffer.from(METRICS_TOKEN.slice(1))]);
        socket.end(Buffer.concat([Buffer.from('GET /api/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: '), wrong, Buffer.from('\r\n\r\n')]));
      });
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.once('end', () => resolve(answer));
      socket.once('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('counts connections, stored messages, send latency, fan-out, catch-up pages and event-loop lag', async () => {
    const [alice, bob] = await Promise.all([createUser(node.url, 'ops_a'), createUser(node.url, 'ops_b')]);
    const [aliceSocket, bobSocket] = await Promise.all([connect(node.url, { token: alice.token }), connect(node.url, { token: bob.token })]);
    sockets.push(aliceSocket, bobSocket);
    const metricsNow = async () => {
      const reply = await get(node, '/api/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
      return { ...reply, value: (name: string) => Number(reply.text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'))?.[1] ?? NaN) };
    };
    const storedBefore = (await metricsNow()).value('relay_messages_stored_total');
    // Every way a message is stored counts: a first message and one by handle (the careful path), one
    // with a link (the same), one by room (group commit); a retry does not.
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'ops-1', body: 'hello' });
    expect(first.ok).toBe(true);
    expect((await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'ops-1b', body: 'by handle' })).ok).toBe(true);
    expect((await emitAck(bobSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'ops-1c', body: 'see https://example.com' })).ok).toBe(true);
    const second = await emitAck(aliceSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'ops-2', body: SECRET_BODY });
    expect(second.ok).toBe(true);
    expect(await emitAck(aliceSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'ops-2', body: SECRET_BODY })).toEqual(second);
    expect((await emitAck(bobSocket, 'room:sync', { roomId: first.message.roomId, afterSeq: 0 })).ok).toBe(true);

    const reply = await metricsNow();
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/text\/plain/);
    const { value } = reply;
    expect(value('relay_socket_connections')).toBeGreaterThanOrEqual(2);
    expect(value('relay_messages_stored_total') - storedBefore).toBe(4);
    expect(value('relay_send_ack_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(reply.text).toMatch(/^relay_send_ack_seconds_bucket\{le="0.1",outcome="ok"\} \d+/m);
    expect(value('relay_fanout_deliveries_total')).toBeGreaterThanOrEqual(2);
    expect(value('relay_catchup_pages_total')).toBeGreaterThanOrEqual(1);
    expect(value('relay_redis_errors_total')).toBe(0);
    expect(value('relay_postgres_errors_total')).toBe(0);
    expect(value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
  it('labels a send the database refused with one of our error codes, never the driver\'s (a bounded label set)', async () => {
    const [alice, bob] = await Promise.all([createUser(node.url, 'ops_raw'), createUser(node.url, 'ops_raw')]);
    const aliceSocket = await connect(node.url, { token: alice.token });
    sockets.push(aliceSocket);
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'raw-1', body: 'hello' });
    expect(first.ok).toBe(true);
    // A real refusal by Postgres, of this one body only: the driver's error carries its own code (P2010, 22023).
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      await db.query(`CREATE OR REPLACE FUNCTION relay_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."body" = 'refused by the database' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22023'; END IF; RETURN NEW; END $$`);
      await db.query('CREATE TRIGGER relay_test_refuse BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION relay_test_refuse()');
      const refused = await emitAck(aliceSocket, 'message:send', { roomId: first.message.roomId, clientMsgId: 'raw-2', body: 'refused by the database' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      await db.query('DROP TRIGGER IF EXISTS relay_test_refuse ON "Message"');
      await db.query('DROP FUNCTION IF EXISTS relay_test_refuse()');
      await db.end();
    }
    const text = (await get(node, '/api/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).text;
    const outcomes = new Set([...text.matchAll(/^relay_send_ack_seconds_count\{outcome="([^"]*)"\}/gm)].map((match) => match[1]));
    expect(outcomes).toContain('internal');
    for (const outcome of outcomes) expect(['ok', ...Object.keys(errorStatus)]).toContain(outcome);
  });
});

describe('API answers', () => {
  // Next gzips whatever a client accepts gzipped; a small answer costs more to compress than it saves.
  it('are never cached, and compressed only when they are large enough to gain from it', async () => {
    const [user, friend] = [await createUser(node.url, 'ops_gzip'), await createUser(node.url, 'ops_gzip')];
    const room = { id: await createGroupAccepted(node.url, user, 'Long notes', [friend]) };
    for (const n of [1, 2]) {
      const sent = await api(node.url, `/api/v1/rooms/${room.id}/messages`, { token: user.token, body: { clientMsgId: `long-${n}`, body: `note ${n} `.repeat(300) } });
      expect(sent.body).toHaveProperty('message.roomId', room.id);
    }
    const answer = async (path: string) => {
      const response = await fetch(node.url + path, { headers: { authorization: `Bearer ${user.token}`, 'accept-encoding': 'gzip' } });
      return { encoding: response.headers.get('content-encoding'), cacheControl: response.headers.get('cache-control'), body: await response.json() };
    };
    const small = await answer('/api/v1/me');
    expect(small.body.user.handle).toBe(user.handle);
    expect(small).toMatchObject({ encoding: null, cacheControl: 'no-store, no-transform' });
    const missing = await answer('/api/v1/nothing-here');
    expect(missing).toMatchObject({ encoding: null, body: { error: { code: 'not_found' } } });
    const large = await answer(`/api/v1/rooms/${room.id}/messages`);
    expect(JSON.stringify(large.body).length).toBeGreaterThan(4000);
    expect(large).toMatchObject({ encoding: 'gzip', cacheControl: 'no-store' });
  });
});

const isJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

describe('logs', () => {
  it('writes JSON lines with a request id, and no passwords, tokens or message bodies', async () => {
    const user = await createUser(node.url, 'ops_log');
    const missing = await fetch(`${node.url}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${user.token}` } });
    const requestId = missing.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => node.output().includes(requestId!), 10_000, 'the request logged');
    const lines = node.output().split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.find((entry) => entry.msg?.startsWith('ready on'))).toMatchObject({ level: 30, port: node.port });
    expect(entries.find((entry) => entry.requestId === requestId)).toMatchObject({ status: 404, method: 'GET', path: '/api/v1/nothing-here' });
    for (const secret of [user.password, user.token, SECRET_BODY]) expect(node.output()).not.toContain(secret);
    // Every line on stdout, Next's own start-up line included.
    const notJson = node.stdout().split('\n').filter((line) => line !== '' && !isJson(line));
    expect(notJson).toEqual([]);
  });

  it("keep next-auth's complaints to one JSON line, without the cookie (anyone can send a bad one)", async () => {
    const cookie = 'next-auth.session-token=not-a-session-0123456789';
    const reply = await fetch(`${node.url}/api/auth/session`, { headers: { cookie } });
    expect(reply.status).toBe(200);
    await waitFor(() => node.output().includes('JWT_SESSION_ERROR'), 10_000, 'the complaint logged');
    const lines = node.output().split('\n').filter((line) => line.includes('JWT_SESSION_ERROR'));
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ code: 'JWT_SESSION_ERROR', err: 'Invalid Compact JWE' })]);
    expect(node.output()).not.toContain('not-a-session-0123456789');
    expect(node.output()).not.toMatch(/^\s+at /m);
  });

  it('stay JSON lines, counted as Redis errors, while Redis is down: the notification queue\'s clients too', async () => {
    const redis = throwawayRedis(Number(process.env.FAULT_REDIS_PORT ?? 6461));
    await redis.start();
    const own = await startAppServer({ REDIS_URL: redis.url, METRICS_TOKEN });
    try {
      await redis.kill();
      await waitFor(() => own.output().split('\n').filter((line) => line.includes('ECONNREFUSED')).length >= 10, 20_000, 'reconnect attempts logged');
      // The few plain lines are `[relay]` ones (docs/operations.md); no bare error objects, no stacks.
      const plain = own.output().split('\n').filter((line) => line && !line.startsWith('{') && !line.startsWith('[relay]') && !line.startsWith('✓'));
      expect(plain).toEqual([]);
      const refused = own.output().split('\n').filter((line) => line.includes('ECONNREFUSED'));
      expect(refused.filter((line) => !line.startsWith('{'))).toEqual([]);
      expect(refused.filter((line) => JSON.parse(line).msg === 'redis error').length).toBeGreaterThanOrEqual(5);
      const reply = await get(own, '/api/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(Number(reply.text.match(/^relay_redis_errors_total (\S+)$/m)?.[1])).toBeGreaterThanOrEqual(5);
    } finally {
      await own.stop('SIGKILL');
      await redis.kill();
    }
  }, 60_000);
});
