import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { appendBatches, METRICS_ENV, METRICS_TOKEN } from '../helpers/metrics';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services';
import { acquaint } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// One socket's sends, pipelined (sent without waiting for acks), go to the group commit as they arrive:
// they share batches, keep their order, and each is answered once, even when a batch among them is
// refused by the database and split.
let server: AppServer;
let database: pg.Client;
let redis: Redis;
const sockets: TestSocket[] = [];
// A body the database refuses (a trigger installed for this file), so a batch holding it is refused.
const poison = `poison-${randomUUID()}`;
const trigger = `refuse_${randomUUID().replaceAll('-', '')}`;
const BURST = 1_000;

beforeAll(async () => {
  // A bucket that does not refill during the test: how many tokens are gone says how many sends were queued.
  server = await startAppServer({ ...METRICS_ENV, RATE_SEND_PER_SEC: '0.001', RATE_SEND_BURST: String(BURST) });
  database = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await database.connect();
  await database.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW."body" = '${poison}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
  await database.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
  redis = new Redis(TEST_REDIS_URL);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
  await database?.query(`DROP TRIGGER IF EXISTS ${trigger} ON "Message"`);
  await database?.query(`DROP FUNCTION IF EXISTS ${trigger}()`);
  await database?.end();
  redis?.disconnect();
});

async function splits() {
  const text = await (await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(text.match(/^relay_append_batch_splits_total (\d+)/m)?.[1] ?? NaN);
}

describe('pipelined sends from one socket', () => {
  it('stores 100 sends in the order sent, each acked once, across batches and with a refused batch among them', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const roomId = await acquaint(server.url, alice, bob);
    const aliceId = (await database.query('SELECT "id" FROM "User" WHERE "handle" = $1', [alice.handle])).rows[0].id;
    const [aliceSocket, bobSocket] = await Promise.all([alice, bob].map(async (user) => {
      const socket = await connect(server.url, { token: user.token });
      sockets.push(socket);
      return socket;
    }));
    const live = collectMessages(bobSocket);
    const tokensLeft = async () => Number(await redis.hget(`relay:bucket:send:${aliceId}`, 'tokens'));
    const tokensBefore = await tokensLeft();
    const [batchesBefore, splitsBefore] = [await appendBatches(server), await splits()];

    // The room is held, so the first batch waits on it: the sends pile up behind it, all in one place.
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT "id" FROM "Room" WHERE "id" = $1 FOR UPDATE', [roomId]);

    const ids = Array.from({ length: 100 }, (_, index) => `p${index}`);
    const acks = new Map<string, { ok: boolean; message?: ChatMessage; error?: { code: string } }[]>(ids.map((id) => [id, []]));
    for (const [index, clientMsgId] of ids.entries()) {
      const body = index === 50 ? poison : `pipelined ${index}`;
      aliceSocket.emit('message:send', { roomId, clientMsgId, body }, ((reply: never) => acks.get(clientMsgId)!.push(reply)) as never);
    }
    // Every send is queued (charged) without waiting for the one before it to be stored.
    await waitFor(async () => (await tokensLeft()) <= tokensBefore - ids.length + 0.5, 10_000, 'all 100 sends queued while the first is held');
    await holder.query('ROLLBACK');
    await holder.end();

    await waitFor(() => [...acks.values()].every((replies) => replies.length > 0), 20_000, 'an ack for every send');
    // The sentinel: answered after every other, so any second ack would have come by now.
    expect((await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'sentinel', body: 'sentinel' })).ok).toBe(true);
    expect([...acks.values()].map((replies) => replies.length)).toEqual(ids.map(() => 1));

    const stored = ids.filter((_, index) => index !== 50);
    expect(acks.get('p50')![0]).toMatchObject({ ok: false });
    for (const id of stored) expect(acks.get(id)![0]).toMatchObject({ ok: true, message: { clientMsgId: id } });
    // Stored in the order sent, numbered without a gap after the greeting (seq 1).
    const seqs = stored.map((id) => acks.get(id)![0].message!.seq);
    expect(seqs).toEqual(stored.map((_, index) => index + 2));
    const history: ChatMessage[] = (await api(server.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: bob.token })).body.messages;
    expect(history.map((message) => message.clientMsgId)).toEqual([`hello-${bob.handle}`, ...stored, 'sentinel']);
    // And pushed live in that order.
    await live.waitFor(stored.length + 1);
    expect(live.received.map((message) => message.clientMsgId)).toEqual([...stored, 'sentinel']);

    // They shared batches (one at a time would be 101 batches), and the one with the refused send was split.
    const batchesAfter = await appendBatches(server);
    expect(batchesAfter.all - batchesBefore.all).toBeLessThan(30);
    expect(batchesAfter.multi).toBeGreaterThan(batchesBefore.multi);
    expect(await splits()).toBeGreaterThan(splitsBefore);
  });
});
