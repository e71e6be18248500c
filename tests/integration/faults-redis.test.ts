import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { followRoom } from '../helpers/following-client';
import { TEST_DATABASE_URL } from '../helpers/services';
import { throwawayRedis } from '../helpers/throwaway-redis';
import { waitFor } from '../helpers/wait';

// Our own Redis, killed and started again empty (never the shared one). Presence and the room heartbeat
// beat every ttl/3 = 500 ms here.
const redis = throwawayRedis(Number(process.env.FAULT_REDIS_PORT ?? 6461));
const TTL_MS = 1500;
const BEAT_MS = TTL_MS / 3;
const ENV = { PRESENCE_TTL_MS: String(TTL_MS), PRESENCE_GRACE_MS: '300', REDIS_URL: redis.url };
// ioredis waits up to 2 s between reconnect attempts; then one beat, and a margin for the work itself.
const RECONNECT_MS = 2_000;
const MARGIN_MS = 1_500;
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
let nodeA: AppServer;
let nodeB: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  await db.connect();
  await redis.start();
  await Promise.all([startAppServer(ENV).then((node) => (nodeA = node)), startAppServer(ENV).then((node) => (nodeB = node))]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([nodeA, nodeB].map((node) => node?.stop()));
  await redis.kill();
  await db.end();
});

/** alice on node A and bob on node B, in an accepted direct conversation. */
async function conversation() {
  const [alice, bob] = await Promise.all([createUser(nodeA.url, 'ra'), createUser(nodeB.url, 'rb')]);
  const aliceSocket = await connect(nodeA.url, { token: alice.token });
  const bobSocket = await connect(nodeB.url, { token: bob.token });
  sockets.push(aliceSocket, bobSocket);
  const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'hello', body: 'hello' });
  const roomId: string = first.message.roomId;
  expect((await api(nodeB.url, `/api/v1/requests/${roomId}/accept`, { method: 'POST', token: bob.token })).status).toBe(200);
  return { alice, bob, roomId, aliceSocket, bobSocket };
}

const statusOf = async (socket: TestSocket, handle: string) =>
  (await emitAck(socket, 'presence:query', { handles: [handle] })).statuses?.[0]?.status;

// A node that committed a message and died before pushing it: the row is there, nobody was told.
async function commitWithoutPush(roomId: string, handle: string, clientMsgId: string) {
  await db.query(
    `WITH bumped AS (UPDATE "Room" SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now() WHERE id = $1 RETURNING "lastSeq")
     INSERT INTO "Message" (id, "roomId", seq, "senderId", "clientMsgId", kind, body)
     SELECT gen_random_uuid()::text, $1, bumped."lastSeq", u.id, $3, 'text', 'committed, never pushed' FROM bumped, "User" u WHERE u.handle = $2`,
    [roomId, handle, clientMsgId],
  );
  const { rows } = await db.query('SELECT id FROM "Message" WHERE "roomId" = $1 AND "clientMsgId" = $2', [roomId, clientMsgId]);
  return rows[0].id as string;
}

describe('a live push that is lost', () => {
  it('reaches connected members within a beat when a node died between commit and push; a retry answered from storage is pushed again', async () => {
    const { alice, roomId, aliceSocket, bobSocket } = await conversation();
    const bobView = followRoom(bobSocket, roomId);
    await bobView.sync();
    let bobCut = false;
    bobSocket.on('disconnect', () => (bobCut = true));

    // Found by the room heartbeat, without reconnecting.
    const lostId = await commitWithoutPush(roomId, alice.handle, 'lost-1');
    await waitFor(() => bobView.has([lostId]), BEAT_MS + MARGIN_MS, 'the unpushed message to reach bob');
    expect(bobView.liveIds.has(lostId)).toBe(false);

    // The sender retries (its ack was lost with the node): answered from storage, and pushed again.
    const retriedId = await commitWithoutPush(roomId, alice.handle, 'lost-2');
    const reply = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'lost-2', body: 'committed, never pushed' });
    expect(reply.ok && reply.message.id).toBe(retriedId);
    await waitFor(() => bobView.liveIds.has(retriedId), 5_000, 'the retried message to be pushed');
    expect(bobView.messages().map((message) => message.seq)).toEqual([1, 2, 3]);
    expect(bobCut).toBe(false);
  });
});

describe('Redis restarted, losing its data, during traffic', () => {
  it('keeps storing and acking, reconnects by itself, resumes live delivery, converges, and shows connected users online again within a beat', async () => {
    const { alice, bob, roomId, aliceSocket, bobSocket } = await conversation();
    const views = { alice: followRoom(aliceSocket, roomId), bob: followRoom(bobSocket, roomId) };
    await Promise.all([views.alice.sync(), views.bob.sync()]);
    expect(await statusOf(bobSocket, alice.handle)).toBe('online');
    let cuts = 0;
    for (const socket of [aliceSocket, bobSocket]) socket.on('disconnect', () => cuts++);

    await redis.kill();
    // Sends from both nodes during the outage are stored and acknowledged while Redis is still down.
    const acked: string[] = [];
    for (let index = 0; index < 4; index++) {
      const [socket, who] = index % 2 === 0 ? [aliceSocket, 'a'] : [bobSocket, 'b'];
      const started = Date.now();
      const reply = await emitAck(socket, 'message:send', { roomId, clientMsgId: `out-${who}-${index}`, body: `during ${index}` });
      expect(reply.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
      acked.push(reply.message.id);
    }

    await redis.start();
    const restartedAt = Date.now();
    // Presence: both are connected the whole time and read online again within a beat of reconnecting.
    await waitFor(async () => (await statusOf(bobSocket, alice.handle)) === 'online' && (await statusOf(aliceSocket, bob.handle)) === 'online', RECONNECT_MS + BEAT_MS + MARGIN_MS, 'presence to read online again');
    // Everything acknowledged during the outage reached both, without reconnecting.
    await waitFor(() => views.alice.has(acked) && views.bob.has(acked), Math.max(0, restartedAt + RECONNECT_MS + BEAT_MS + MARGIN_MS - Date.now()), 'the outage messages to reach everyone');

    // Live delivery resumes across nodes.
    const after = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'after', body: 'after the restart' });
    await waitFor(() => views.bob.liveIds.has(after.message.id), 5_000, 'a live push after the restart');

    const expected = ['hello', 'out-a-0', 'out-b-1', 'out-a-2', 'out-b-3', 'after'];
    for (const view of [views.alice, views.bob]) {
      expect(view.messages().map((message) => message.clientMsgId)).toEqual(expected);
      expect(view.messages().map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const { rows } = await db.query('SELECT "clientMsgId" FROM "Message" WHERE "roomId" = $1 ORDER BY seq', [roomId]);
    expect(rows.map((row) => row.clientMsgId)).toEqual(expected);
    expect(cuts).toBe(0);
  });
});
