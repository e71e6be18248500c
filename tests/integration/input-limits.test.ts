import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { THROTTLE_FACTORS } from '@/server/realtime/socket-throttle';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { createGroupAccepted } from '../helpers/social';

// Bounded inputs: REST bodies are capped before they are read; chatty socket events are throttled
// per socket. A small burst keeps the counts short.
const BURST = 5;
let node: AppServer;
let alice: TestUser;
let bob: TestUser;
let roomId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  node = await startAppServer({ SOCKET_EVENT_BURST: String(BURST), SOCKET_EVENTS_PER_SEC: '1' });
  [alice, bob] = await Promise.all([createUser(node.url, 'lim_a'), createUser(node.url, 'lim_b')]);
  roomId = await createGroupAccepted(node.url, alice, 'limits', [bob]);
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

/** Sends the headers (declaring `declared` bytes) and `sent` bytes of body, and returns the first answer. */
function partialPost(path: string, headers: Record<string, string>, sent: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${node.url}${path}`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)));
    request.write(sent);
    // Never ends: a server that waits for the whole declared body never answers.
  });
}

describe('REST bodies are capped before they are read', () => {
  it('answers 413 too_large to a declared 100 MB body at once, for anonymous and signed-in endpoints', async () => {
    for (const [path, auth] of [['/api/v1/users', {}], ['/api/v1/tokens', {}], ['/api/v1/groups', { authorization: `Bearer ${alice.token}` }]] as const) {
      const reply = await partialPost(path, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024), ...auth }, Buffer.from('{"username":'));
      expect(reply.status).toBe(413);
      expect(reply.body.error).toMatchObject({ code: 'too_large', message: expect.any(String) });
    }
  });

  it('answers 413 to a chunked body once it passes the cap, without waiting for its end', async () => {
    const reply = await partialPost('/api/v1/users', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, Buffer.alloc(512 * 1024, 0x20));
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('too_large');
  });

  it('still takes an ordinary body', async () => {
    const reply = await api(node.url, '/api/v1/groups', { token: alice.token, body: { name: 'x'.repeat(80), members: [bob.handle] } });
    expect(reply.status).toBe(201);
  });
});

describe('chatty socket events are throttled per socket', () => {
  const payloads = () => ({
    typing: { roomId, typing: true },
    'room:sync': { roomId, afterSeq: 0 },
    'room:read': { roomId, seq: 0 },
    'room:delivered': { roomId, seq: 0 },
    'presence:query': { handles: [bob.handle] },
  });

  it.each(['typing', 'room:sync', 'room:read', 'room:delivered', 'presence:query'])('answers rate_limited to a flood of %s', async (event) => {
    const socket = await connect(node.url, { token: alice.token });
    sockets.push(socket);
    const payload = payloads()[event as keyof ReturnType<typeof payloads>];
    const burst = BURST * THROTTLE_FACTORS[event as keyof typeof THROTTLE_FACTORS];
    const replies = await Promise.all(Array.from({ length: burst * 3 }, () => emitAck(socket, event, payload)));
    const limited = replies.filter((reply) => !reply.ok);
    // The burst, plus what refilled while the flood was answered.
    expect(replies.filter((reply) => reply.ok).length).toBeLessThan(burst * 2);
    expect(limited.length).toBeGreaterThan(0);
    for (const reply of limited) expect(reply.error).toMatchObject({ code: 'rate_limited', message: expect.any(String) });
    // Another socket of the same user has a bucket of its own.
    const other = await connect(node.url, { token: alice.token });
    sockets.push(other);
    expect((await emitAck(other, event, payload)).ok).toBe(true);
  });

  it('lets a peer see only the typing events the throttle let through', async () => {
    const [sender, peer] = await Promise.all([connect(node.url, { token: alice.token }), connect(node.url, { token: bob.token })]);
    sockets.push(sender, peer);
    let seen = 0;
    peer.on('typing', () => {
      seen += 1;
    });
    const replies = await Promise.all(Array.from({ length: 50 }, () => emitAck(sender, 'typing', { roomId, typing: true })));
    const passed = replies.filter((reply) => reply.ok).length;
    // A sentinel after the flood: the message arrives after every typing event that was relayed.
    const sentinel = new Promise((resolve) => peer.once('message:new', resolve));
    expect((await emitAck(sender, 'message:send', { roomId, clientMsgId: `sentinel-${Date.now()}`, body: 'sentinel' })).ok).toBe(true);
    await sentinel;
    expect(passed).toBeLessThanOrEqual(BURST + 2);
    expect(seen).toBe(passed);
  });
});
