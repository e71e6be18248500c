import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { PrismaClient } from '@/server/db/generated/client';
import { AppendQueue } from '@/server/messages/append-queue';
import { metrics } from '@/server/ops/metrics';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { appendBatches, METRICS_ENV } from '../helpers/metrics';
import { TEST_DATABASE_URL } from '../helpers/services';
import { createGroupOfAcquaintances } from '../helpers/social';

// Group commit: many sends stored by one transaction, each still answered on its own.
let server: AppServer;
const sockets: TestSocket[] = [];

async function open(user: TestUser) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

const historyOf = async (user: TestUser, roomId: string): Promise<ChatMessage[]> =>
  (await api(server.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: user.token })).body.messages;

beforeAll(async () => {
  server = await startAppServer(METRICS_ENV);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('group commit', () => {
  it('answers every send of a batch on its own: refusals do not fail the rest, seqs stay gapless, a doubled send stores once', async () => {
    const [alice, bob, carol, mallory] = await Promise.all(['alice', 'bob', 'carol', 'mallory'].map((name) => createUser(server.url, name)));
    const group = await createGroupOfAcquaintances(server.url, alice, 'Batch', [bob, carol]);
    const closed = (await api(server.url, '/api/v1/groups', { token: alice.token, body: { name: 'Alone', members: [] } })).body.room;
    const [aliceA, aliceB, aliceC, bobSocket, carolSocket, mallorySocket] = await Promise.all([alice, alice, alice, bob, carol, mallory].map(open));
    const blockedRoom = (await emitAck(carolSocket, 'message:send', { to: bob.handle, clientMsgId: 'c0', body: 'hi bob' })).message.roomId;
    expect((await api(server.url, '/api/v1/blocks', { token: bob.token, body: { handle: carol.handle } })).status).toBe(201);

    // All at once, so they meet in the same batches.
    const before = await appendBatches(server);
    const send = (socket: TestSocket, roomId: string, clientMsgId: string) => emitAck(socket, 'message:send', { roomId, clientMsgId, body: `${clientMsgId} body` });
    const [a1, a2, a3, b1, b2, dupA, dupB, intruder, lonely, blocked] = await Promise.all([
      send(aliceA, group.id, 'a1'),
      send(aliceB, group.id, 'a2'),
      send(aliceC, group.id, 'a3'),
      send(bobSocket, group.id, 'b1'),
      api(server.url, `/api/v1/rooms/${group.id}/messages`, { token: bob.token, body: { clientMsgId: 'b2', body: 'b2 body' } }),
      send(aliceA, group.id, 'same'),
      send(aliceB, group.id, 'same'),
      send(mallorySocket, group.id, 'm1'),
      send(aliceC, closed.id, 'x1'),
      send(carolSocket, blockedRoom, 'c1'),
    ]);
    for (const ack of [a1, a2, a3, b1, dupA, dupB]) expect(ack.ok).toBe(true);
    expect(b2.status).toBe(201);
    expect(intruder).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(lonely).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'forbidden', message: `You cannot message @${bob.handle}.` } });
    expect(dupB.message).toEqual(dupA.message);
    // They did meet: at least one commit stored several of them (else this tested sends one by one).
    const after = await appendBatches(server);
    expect(after.multi).toBeGreaterThan(before.multi);
    expect(after.all - before.all).toBeLessThan(10);

    const history = await historyOf(carol, group.id);
    // The creation notice is seq 1; then the six distinct sends, each once, numbered without a gap.
    expect(history.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(history.slice(1).map((message) => message.clientMsgId).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'same']);
    expect((await historyOf(alice, closed.id)).filter((message) => message.kind === 'text')).toEqual([]);
    expect((await historyOf(carol, blockedRoom)).map((message) => message.clientMsgId)).toEqual(['c0']);
  });

  it('retries the sends of a batch the database refuses one by one, so only the bad one fails', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const room = await createGroupOfAcquaintances(server.url, alice, 'Refused', [bob]);
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    const db = new PrismaClient({ adapter: new PrismaPg(pool) });
    try {
      const [sender] = await db.user.findMany({ where: { handle: alice.handle }, select: { id: true } });
      const queue = new AppendQueue(db);
      const splitsBefore = (await metrics().appendBatchSplits.get()).values[0]?.value ?? 0;
      // Two sends with the same message id: Postgres refuses the second row, and with it the whole batch.
      const clash = randomUUID();
      const outcomes = await Promise.allSettled(
        [randomUUID(), clash, clash, randomUUID()].map((id, index) =>
          queue.append({ id, roomId: room.id, senderId: sender.id, clientMsgId: `q${index}`, body: `queued ${index}` }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.verdict : 'error'))).toEqual(['stored', 'stored', 'error', 'stored']);
      // The four went as one batch that was refused and split (not one by one from the start): the
      // batch of 4, its halves of 2, and the half with the clash in 1s.
      expect((await metrics().appendBatchSplits.get()).values[0]?.value ?? 0).toBe(splitsBefore + 2);
      const stored = await historyOf(bob, room.id);
      // After the creation notice (seq 1): the three good ones, numbered without a gap.
      expect(stored.slice(1).map((message) => [message.seq, message.clientMsgId])).toEqual([
        [2, 'q0'],
        [3, 'q1'],
        [4, 'q3'],
      ]);
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  });
});
