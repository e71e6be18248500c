import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { type PushService, startPushService } from '../helpers/push-service';
import { TEST_REDIS_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';

// The queue across processes: BullMQ on the shared Redis, and the in-process queue of the embedded node.
// A delay long enough for two sends through two nodes on a busy machine to fall in one window.
const pushEnv = { NOTIFY_DELAY_MS: '1000', PUSH_INSECURE_ENDPOINTS: '1' };
let push: PushService;
const servers: AppServer[] = [];
const sockets: TestSocket[] = [];
const redis = new Redis(TEST_REDIS_URL);

beforeAll(async () => {
  push = await startPushService();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const server of servers.splice(0)) await server.stop();
});

afterAll(async () => {
  await push?.close();
  redis.disconnect();
});

async function start(env: Record<string, string> = {}) {
  const server = await startAppServer({ ...pushEnv, ...env });
  servers.push(server);
  return server;
}

let devices = 0;
async function awayUser(url: string, prefix: string) {
  const user = await createUser(url, prefix, prefix);
  const device = `${prefix}-${++devices}`;
  expect((await api(url, '/api/v1/push/subscriptions', { token: user.token, body: push.device(device) })).status).toBe(201);
  return { ...user, device };
}

async function online(url: string, token: string) {
  const socket = await connect(url, { token });
  sockets.push(socket);
  return socket;
}

async function send(urlOrSocket: string | TestSocket, token: string, target: { to: string } | { roomId: string }, body: string) {
  const socket = typeof urlOrSocket === 'string' ? await online(urlOrSocket, token) : urlOrSocket;
  const reply = await emitAck(socket, 'message:send', { ...target, clientMsgId: `c-${Math.random()}`, body });
  expect(reply.ok).toBe(true);
  return reply.message as { roomId: string; seq: number };
}

/** A conversation bob started with alice, so alice's messages are no request. */
async function talking(url: string, alice: { token: string; handle: string }, bob: { token: string }) {
  const bobSocket = await connect(url, { token: bob.token });
  const { roomId } = await emitAck(bobSocket, 'message:send', { to: alice.handle, clientMsgId: `c-${Math.random()}`, body: 'hi alice' }).then((reply) => reply.message);
  bobSocket.close();
  return roomId as string;
}

/** Nothing else reached the device: a later direct message from someone else pushes, and is next. */
async function expectOnlySentinel(url: string, recipient: { handle: string; device: string }, before: number, requestsBefore = before) {
  const stranger = await createUser(url, 'sentinel');
  const message = await send(url, stranger.token, { to: recipient.handle }, 'sentinel');
  const pushes = await push.waitForDelivered(recipient.device, before + 1);
  expect(pushes.slice(before).map((received) => received.payload.roomId)).toEqual([message.roomId]);
  expect(push.received.filter((received) => received.device === recipient.device)).toHaveLength(requestsBefore + 1);
}

// Several app processes start in each test, on a busy machine.
describe('notifications across nodes', { timeout: 180_000 }, () => {
  it('two nodes sharing Redis push once for messages sent through both', async () => {
    const [one, two] = [await start(), await start()];
    const alice = await createUser(one.url, 'alice', 'Alice');
    const bob = await awayUser(one.url, 'bob');
    const roomId = await talking(one.url, alice, bob);
    const [viaOne, viaTwo] = [await online(one.url, alice.token), await online(two.url, alice.token)];
    const first = await send(viaOne, alice.token, { roomId }, 'via node one');
    await send(viaTwo, alice.token, { roomId: first.roomId }, 'via node two');
    const [received] = await push.waitForDelivered(bob.device, 1);
    expect(received.payload).toMatchObject({ title: '2 new messages from Alice', body: 'via node two', roomId: first.roomId });
    await expectOnlySentinel(two.url, bob, 1);
  });

  it('a node killed with a push pending leaves it to another node, which sends it', async () => {
    const doomed = await start({ NOTIFY_DELAY_MS: '4000' });
    const alice = await createUser(doomed.url, 'alice', 'Alice');
    const bob = await awayUser(doomed.url, 'bob');
    const roomId = await talking(doomed.url, alice, bob);
    const before = await redis.zcard('bull:relay-notify:delayed');
    const message = await send(doomed.url, alice.token, { roomId }, 'outlives its node');
    // The job is in Redis (scheduling is fire-and-forget after the send): then the node dies.
    await waitFor(async () => (await redis.zcard('bull:relay-notify:delayed')) > before, 10_000, 'the delayed job');
    await doomed.stop('SIGKILL');
    expect(push.received.filter((received) => received.device === bob.device)).toEqual([]);

    const survivor = await start();
    const [received] = await push.waitForDelivered(bob.device, 1, 30_000);
    expect(received.payload).toMatchObject({ title: 'New message from Alice', body: 'outlives its node', roomId: message.roomId });
    await expectOnlySentinel(survivor.url, bob, 1);
  });

  it('the embedded node (no Redis, no Postgres) sends the same push, in process', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-notify-embedded-'));
    try {
      const server = await start({ DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir });
      expect(server.output()).toMatch(/"database":"pglite","realtime":"in-memory"/);
      const alice = await createUser(server.url, 'alice', 'Alice');
      const bob = await awayUser(server.url, 'bob');
      const roomId = await talking(server.url, alice, bob);
      const socket = await online(server.url, alice.token);
      const first = await send(socket, alice.token, { roomId }, 'one');
      const second = await send(socket, alice.token, { roomId: first.roomId }, 'two');
      const [received] = await push.waitForDelivered(bob.device, 1);
      expect(received.payload).toEqual({ title: '2 new messages from Alice', body: 'two', roomId: first.roomId, url: `/c/${first.roomId}`, tag: `room:${first.roomId}`, seq: second.seq });
      await expectOnlySentinel(server.url, bob, 1);
      // The in-process queue retries as BullMQ does.
      push.answerNext(bob.device, 500);
      await send(socket, alice.token, { roomId: first.roomId }, 'three');
      const pushes = await push.waitForDelivered(bob.device, 3);
      expect(pushes[2].payload).toMatchObject({ title: 'New message from Alice', body: 'three' });
      expect(push.received.filter((entry) => entry.device === bob.device).map((entry) => entry.status)).toEqual([201, 201, 500, 201]);
    } finally {
      for (const server of servers.splice(0)) await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
