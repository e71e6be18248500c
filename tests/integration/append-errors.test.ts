import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '@/server/db/generated/client';
import { poolTransactionScript, type TransactionScript } from '@/server/db/transaction-script';
import { AppendQueue } from '@/server/messages/append-queue';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, createUser } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';

// A batch is split in halves only when the database refuses its data; a connection or timeout error
// fails the whole batch at once (splitting would wait out the same timeout once per half).
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

/**
 * A real client whose transactions are counted, each one attempt at storing a batch or a half: through
 * Prisma's transactions, or through a transaction script (one round trip each) as the node does on Postgres.
 */
function countedClient(connectionString: string, transport: Transport) {
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 2_000 });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  let attempts = 0;
  const counted = new Proxy(db, {
    get(target, key, receiver) {
      if (key === '$transaction') attempts += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  const script = poolTransactionScript(pool);
  const countedScript: TransactionScript = (statements) => ((attempts += 1), script(statements));
  const queue = new AppendQueue(counted, 1, transport === 'script' ? countedScript : null);
  return { queue, attempts: () => attempts, close: async () => (await db.$disconnect(), await pool.end()) };
}

type Transport = 'Prisma transaction' | 'script';
const transports: Transport[] = ['Prisma transaction', 'script'];

const sends = (roomId: string, senderId: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({ id: randomUUID(), roomId, senderId, clientMsgId: `e${index}-${randomUUID()}`, body: `send ${index}` }));

describe('group commit on infrastructure errors', () => {
  it.each(transports)('fails a batch at once, in one attempt, when the database cannot be reached (%s)', async (transport) => {
    // Nothing listens on this port (one of ours): a real connection refusal.
    const client = countedClient('postgres://postgres@127.0.0.1:3369/none', transport);
    try {
      const { queue } = client;
      const outcomes = await Promise.allSettled(sends('room', 'user', 8).map((request) => queue.append(request)));
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect(client.attempts()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it.each(transports)('fails a batch at once when a room lock times out, instead of waiting it out once per half (%s)', async (transport) => {
    const alice = await createUser(server.url, 'lockt');
    const { room } = (await api(server.url, '/api/v1/groups', { token: alice.token, body: { name: 'Held', members: [] } })).body;
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    const client = countedClient(TEST_DATABASE_URL, transport);
    try {
      const [{ id: senderId }] = (await holder.query('SELECT "id" FROM "User" WHERE "handle" = $1', [alice.handle])).rows;
      // Another transaction holds the room's row for longer than the batch's lock timeout.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Room" WHERE "id" = $1 FOR UPDATE', [room.id]);
      const { queue } = client;
      const outcomes = await Promise.allSettled(sends(room.id, senderId, 4).map((request) => queue.append(request)));
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect(client.attempts()).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
      await client.close();
    }
  }, 60_000);
});
