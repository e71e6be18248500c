import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { acquaint, createGroupAccepted } from '../helpers/social';

/**
 * A bounded, seeded fuzz run: a few thousand malformed payloads over every REST route under app/api
 * and every socket event the server listens for, while a well-behaved pair keeps talking. Never a
 * crash, never a 5xx or a non-JSON error, never a missing ack. Replay a failure with FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REST_CASES = Number(process.env.FUZZ_REST_CASES ?? 1000);
const SOCKET_CASES = Number(process.env.FUZZ_SOCKET_CASES ?? 1000);
const ACK_TIMEOUT_MS = 5_000;
const root = path.resolve(import.meta.dirname, '../..');

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u2066evil\u2069',
  '\u200b\u200c\u200d',
  '\ufeff',
  '\uffff',
  '𝕳𝖊𝖑𝖑𝖔',
  '👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  '\r\n\t\u0007',
  '../../etc/passwd',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%25',
  "'; DROP TABLE \"Message\"; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-1',
  '1e400',
  '0x7fffffff',
  '2147483648',
  '9007199254740993',
  'null',
  'undefined',
  'true',
  '{}',
  '[]',
];
const WEIRD_NUMBERS = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER, 0.1];
const KEYS = ['roomId', 'messageId', 'to', 'body', 'clientMsgId', 'seq', 'afterSeq', 'afterVersion', 'limit', 'emoji', 'typing', 'handles', 'handle', 'name', 'members', 'displayName', 'username', 'password', 'level', 'endpoint', 'keys', 'hideText', 'reason', 'status', 'action', 'q', 'attachmentIds', 'replyToId', 'visible', 'focused', '__proto__', 'constructor'];

function weirdString(rng: Rng, real: string[]): string {
  const roll = rng.int(10);
  if (roll < 4) return rng.pick(WEIRD_STRINGS);
  if (roll < 6) return rng.pick(real);
  // Huge, but under the socket's 64 KB frame even when every character is escaped as \uXXXX.
  if (roll < 7) return rng.pick(['a', '\u202e', '\ud800', '😀', '\u0000', ' ']).repeat(rng.pick([4001, 5000, 8000]));
  if (roll < 8) return rng.pick(real) + rng.pick(WEIRD_STRINGS);
  return Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0x10000))).join('');
}

function deepNest(rng: Rng, depth: number): unknown {
  let value: unknown = rng.pick(WEIRD_STRINGS);
  for (let i = 0; i < depth; i++) value = rng.chance(0.5) ? [value] : { [rng.pick(KEYS)]: value };
  return value;
}

function weirdValue(rng: Rng, real: string[], depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0:
      return weirdString(rng, real);
    case 1:
      return rng.pick(WEIRD_NUMBERS);
    case 2:
      return rng.pick([null, true, false, undefined]);
    case 3:
      return weirdString(rng, real);
    case 4:
      return rng.pick(real);
    case 5:
      return rng.int(3) === 0 ? deepNest(rng, rng.pick([20, 200, 1000])) : rng.pick(WEIRD_NUMBERS);
    case 6:
      return Array.from({ length: rng.int(6) }, () => weirdValue(rng, real, depth + 1));
    default:
      return weirdObject(rng, real, depth + 1);
  }
}

function weirdObject(rng: Rng, real: string[], depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = rng.int(6); i > 0; i--) {
    // Defined, not assigned: "__proto__" stays an own key that goes over the wire.
    Object.defineProperty(object, rng.chance(0.9) ? rng.pick(KEYS) : weirdString(rng, real), { value: weirdValue(rng, real, depth), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** A payload close to a valid one for some event or route, with one or two fields broken. */
function nearValid(rng: Rng, real: string[], valid: Record<string, unknown>): unknown {
  const payload: Record<string, unknown> = { ...valid };
  for (let i = 1 + rng.int(2); i > 0; i--) {
    const key = rng.chance(0.8) ? rng.pick(Object.keys(payload).concat(KEYS)) : weirdString(rng, real);
    if (rng.chance(0.2)) delete payload[key];
    else Object.defineProperty(payload, key, { value: weirdValue(rng, real), enumerable: true, writable: true, configurable: true });
  }
  return payload;
}

// A lone surrogate has no UTF-8 form (encodeURIComponent throws): it goes as the bytes a careless encoder would send.
const encodeUnit = (text: string) => text.split(/([\ud800-\udfff])/u).map((part) => (/^[\ud800-\udfff]$/u.test(part) ? '%ED%A0%80' : encodeURIComponent(part))).join('');

/** Every "METHOD /api/... template" under app/api, read from the route files. */
function restRoutes(): { methods: string[]; template: string }[] {
  const found: { methods: string[]; template: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const source = readFileSync(full, 'utf8');
        const methods = [...source.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => match[1]);
        found.push({ methods: [...new Set(methods)], template: `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/')}` });
      }
    }
  };
  walk(path.join(root, 'app/api'));
  return found;
}

/** The events the server binds a handler to: the handler table's keys. */
function socketEvents(): string[] {
  const source = readFileSync(path.join(root, 'server/realtime/handlers.ts'), 'utf8');
  const table = source.slice(source.indexOf('export const socketHandlers'));
  const body = table.slice(table.indexOf('{') + 1, table.indexOf('\n};'));
  return [...body.matchAll(/^ {2}'?([\w:]+)'?\s*:/gm)].map((match) => match[1]);
}

const PATH_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '%25', '%2F', '..', '%2e%2e', '%F0%9F%98%80', '%ED%A0%80', '%E2%80%AE', 'x'.repeat(3000), '-1', '2147483648', 'NaN', '%C0%AF', '%FF'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json; charset=utf-16', 'image/png'];

let server: AppServer;
let fuzzer: TestUser;
let bob: TestUser;
let carol: TestUser;
let real: string[];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  // The socket throttle stays at its default: its rate_limited answers are acks too.
  server = await startAppServer({ METRICS_TOKEN: 'fuzz-metrics-token-0123456789' });
  [fuzzer, bob, carol] = await Promise.all([createUser(server.url, 'fuzz'), createUser(server.url, 'fuzz_bob'), createUser(server.url, 'fuzz_carol')]);
  const roomId = await createGroupAccepted(server.url, fuzzer, 'fuzzed', [bob]);
  const socket = await connect(server.url, { token: fuzzer.token });
  sockets.push(socket);
  const sent = await emitAck(socket, 'message:send', { roomId, clientMsgId: 'fuzz-seed', body: 'a real message to aim at' });
  expect(sent.ok).toBe(true);
  // Real values to mix in, so that malformed payloads also reach past the "not found" checks.
  real = [roomId, sent.message.id, bob.handle, fuzzer.handle, 'fuzz-seed', '👍', 'hello'];
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

/** A well-behaved pair: bob sends to carol until told to stop; every send is acked and arrives live. */
async function keepTalking(stop: () => boolean) {
  const roomId = await acquaint(server.url, bob, carol);
  const [bobSocket, carolSocket] = await Promise.all([connect(server.url, { token: bob.token }), connect(server.url, { token: carol.token })]);
  sockets.push(bobSocket, carolSocket);
  const inbox = collectMessages(carolSocket);
  const sentIds: string[] = [];
  for (let i = 0; !stop() || i < 10; i++) {
    const ack = await emitAck(bobSocket, 'message:send', { roomId, clientMsgId: `steady-${i}`, body: `steady ${i}` });
    expect(ack, `seed ${SEED}: a well-behaved send`).toMatchObject({ ok: true });
    sentIds.push(ack.message.id);
    await inbox.waitFor(sentIds.length, 10_000);
  }
  expect(inbox.received.map((message) => message.id)).toEqual(sentIds);
  return sentIds.length;
}

type Failure = string;

async function fuzzRest(rng: Rng, failures: Failure[]) {
  const routes = restRoutes();
  const auths: Record<string, string>[] = [{}, { authorization: `Bearer ${fuzzer.token}` }, { authorization: `Bearer ${fuzzer.token}` }, { authorization: 'Bearer forged' }, { cookie: 'next-auth.session-token=%zz' }];
  // Every case is drawn before any runs: the same seed gives the same cases, whatever the timing.
  const draw = () => {
    const route = rng.pick(routes);
    const method = rng.chance(0.85) ? rng.pick(route.methods.length ? route.methods : ['GET']) : rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    const urlPath0 = route.template.replace(/\[\.\.\.(\w+)\]|\[(\w+)\]/g, (whole, rest) => {
      const roll = rng.int(4);
      if (roll === 0) return rng.pick(real);
      if (roll === 1) return rng.pick(PATH_SEGMENTS);
      const text = encodeUnit(weirdString(rng, real).slice(0, 200));
      return rest && rng.chance(0.5) ? `${text}/${rng.pick(PATH_SEGMENTS)}` : text;
    });
    let urlPath = urlPath0;
    if (rng.chance(0.4)) {
      const key = rng.pick(KEYS);
      const value = rng.chance(0.3) ? rng.pick(PATH_SEGMENTS) : encodeUnit(weirdString(rng, real).slice(0, 300));
      urlPath += `?${key}=${value}&${rng.pick(KEYS)}=${rng.pick(PATH_SEGMENTS)}`;
    }
    const headers: Record<string, string> = { ...rng.pick(auths) };
    let body: string | undefined;
    if (method !== 'GET' && method !== 'OPTIONS' && rng.chance(0.9)) {
      const value = rng.chance(0.5) ? nearValid(rng, real, { roomId: real[0], body: 'x', seq: 1, handle: bob.handle, name: 'g', members: [] }) : weirdValue(rng, real);
      body = rng.chance(0.15) ? rng.pick(['{', '{"a":', '[1,,2]', '\u0000', 'null', '"', '%zz', '{"a":"\ud800"}', 'a=1&b=%zz']) : (JSON.stringify(value) ?? 'undefined');
      const type = rng.chance(0.7) ? 'application/json' : rng.pick(CONTENT_TYPES);
      if (type) headers['content-type'] = type;
    }
    return { method, urlPath, headers, body };
  };
  const one = async ({ method, urlPath, headers, body }: ReturnType<typeof draw>) => {
    const what = `${method} ${urlPath.slice(0, 160)} ${JSON.stringify(headers)} body=${(body ?? '').slice(0, 160)}`;
    let response: Response;
    try {
      response = await fetch(server.url + urlPath, { method, headers, body, redirect: 'manual' });
    } catch (error) {
      failures.push(`${what}: request failed (${String(error)})`);
      return;
    }
    const text = await response.text();
    // Dot segments can take a case out of /api (fetch resolves /api/%2e%2e to /, seed 1607781665): a page
    // request, which must not fail either but need not answer in the API's JSON envelope.
    const reachedApi = new URL(server.url + urlPath).pathname.startsWith('/api/');
    if (response.status >= 500) failures.push(`${what}: ${response.status} ${text.slice(0, 200)}`);
    else if (response.status >= 400 && reachedApi) {
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        failures.push(`${what}: ${response.status} not JSON: ${text.slice(0, 200)}`);
        return;
      }
      const error = parsed?.error;
      if (typeof error?.code !== 'string' || typeof error?.message !== 'string') failures.push(`${what}: ${response.status} not an error envelope: ${text.slice(0, 200)}`);
    }
  };
  // A few at a time: enough to interleave, not enough to starve two cores.
  const cases = Array.from({ length: REST_CASES }, draw);
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let next = cases.shift(); next; next = cases.shift()) await one(next);
    }),
  );
}

function checkAck(ack: any): string | null {
  if (ack?.ok === true) return null;
  if (ack?.ok === false && typeof ack.error?.code === 'string' && typeof ack.error?.message === 'string') return null;
  return `not an ack envelope: ${JSON.stringify(ack)?.slice(0, 200)}`;
}

async function fuzzSocket(rng: Rng, failures: Failure[]) {
  const events = socketEvents();
  const valid: Record<string, Record<string, unknown>> = {
    'message:send': { roomId: real[0], clientMsgId: 'c', body: 'hi' },
    'message:edit': { messageId: real[1], body: 'edited' },
    'message:delete': { messageId: real[1] },
    'reaction:add': { messageId: real[1], emoji: '👍' },
    'reaction:remove': { messageId: real[1], emoji: '👍' },
    'room:sync': { roomId: real[0], afterSeq: 0 },
    'room:read': { roomId: real[0], seq: 1 },
    'room:delivered': { roomId: real[0], seq: 1 },
    typing: { roomId: real[0], typing: true },
    'presence:query': { handles: [bob.handle] },
    'view:state': { roomId: real[0], visible: true, focused: true },
  };
  // Several sockets, so that one socket's throttle does not answer everything.
  const fuzzSockets = await Promise.all(Array.from({ length: 4 }, () => connect(server.url, { token: fuzzer.token })));
  sockets.push(...fuzzSockets);
  const draw = () => {
    const event = rng.chance(0.9) ? rng.pick(events) : rng.pick(['nope', 'message:send ', 'MESSAGE:SEND', '__proto__', 'constructor', 'room:sync\u0000', 'room:nope', 'x'.repeat(500)]);
    const roll = rng.int(10);
    const payload = roll < 5 ? nearValid(rng, real, valid[event] ?? {}) : weirdValue(rng, real);
    const args = rng.chance(0.1) ? [payload, weirdValue(rng, real)] : rng.chance(0.05) ? [] : [payload];
    // Over the 64 KB frame the server cuts the socket by design; keep the cases under it.
    const fits = Buffer.byteLength(JSON.stringify(args) ?? '') < 48_000;
    return { socket: rng.int(fuzzSockets.length), event, args: fits ? args : ['x'.repeat(20_000)], withAck: rng.chance(0.95) };
  };
  const one = async ({ event, args, withAck }: ReturnType<typeof draw>, socket: TestSocket) => {
    const what = `${event} ${JSON.stringify(args)?.slice(0, 200)}`;
    if (!withAck) {
      // No ack at all: nothing to wait for, but the server must live with it.
      (socket as any).emit(event, ...args);
      return;
    }
    try {
      const ack = await (socket.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(event, ...args);
      const problem = checkAck(ack);
      if (problem) failures.push(`${what}: ${problem}`);
    } catch (error) {
      failures.push(`${what}: no ack within ${ACK_TIMEOUT_MS} ms (${String(error)}), socket ${socket.connected ? 'connected' : 'cut'}`);
    }
  };
  const cases = Array.from({ length: SOCKET_CASES }, draw);
  await Promise.all(
    fuzzSockets.map(async (socket, index) => {
      for (const next of cases.filter((c) => c.socket === index)) {
        // A cut socket would make every case after it a timeout: one failure says it.
        if (!socket.connected) break;
        await one(next, socket);
      }
    }),
  );
  for (const socket of fuzzSockets) if (!socket.connected) failures.push('a fuzzing socket was cut by the server');
}

describe('fuzz', () => {
  it('survives malformed REST and socket input, answering each in the envelope, while a pair keeps talking', async () => {
    const failures: Failure[] = [];
    let done = false;
    const startedAt = Date.now();
    const talking = keepTalking(() => done);
    talking.catch(() => {}); // awaited below; not an unhandled rejection if the fuzzing throws first
    try {
      await Promise.all([fuzzRest(prng(SEED), failures), fuzzSocket(prng(SEED + 1), failures)]);
    } finally {
      done = true;
    }
    const steadyMessages = await talking;
    console.info(`fuzz seed ${SEED}: ${REST_CASES} REST and ${SOCKET_CASES} socket cases in ${Date.now() - startedAt} ms; ${steadyMessages} steady messages`);
    expect(failures.slice(0, 20), `seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${failures.length} failures`).toEqual([]);
    expect(server.process.exitCode, `seed ${SEED}: the server exited`).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(steadyMessages).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
