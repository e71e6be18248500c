import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { poolTransactionScript } from '@/server/db/transaction-script';
import { appendBatch } from '@/server/messages/append-batch';
import { useCountedStatements } from '../helpers/counted-statements';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';

// A group-commit batch is one transaction of as few round trips as it can be (each costs the node a
// system call and Postgres a wake-up, hundreds of times a second), and a room held elsewhere still
// fails it after the lock timeout instead of stalling the queue behind it.
const database = useTestDatabase();
const counted = useCountedStatements();
const { statements } = counted;

async function groupOfTwo() {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => insertUser(database.db, name)));
  database.userIds.push(alice.id, bob.id);
  const room = await insertGroup(database.db, alice.id, [bob.id]);
  database.roomIds.push(room.id);
  return { alice, room };
}

const send = (roomId: string, senderId: string, clientMsgId: string) => ({ id: randomUUID(), roomId, senderId, clientMsgId, body: `${clientMsgId} body` });

/** A transaction script on a pool of one connection, with every message it sends to Postgres counted. */
function countedScript() {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const sent: string[] = [];
  pool.on('connect', (client) => {
    const query = client.query.bind(client);
    client.query = ((config: string | { text: string }, ...rest: unknown[]) => {
      sent.push(typeof config === 'string' ? config : config.text);
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as typeof client.query;
  });
  return { pool, sent, script: poolTransactionScript(pool) };
}

describe('append batch', () => {
  it('stores a batch in as few statements as it can: the room locks with their timeout, the batch, commit', async () => {
    const { alice, room } = await groupOfTwo();
    statements.length = 0;
    const outcomes = await appendBatch(counted.db, [send(room.id, alice.id, 'one'), send(room.id, alice.id, 'two')]);
    expect(outcomes.map((outcome) => outcome.verdict)).toEqual(['stored', 'stored']);
    // What Prisma logs: everything but the BEGIN that opens its transaction.
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain("set_config('lock_timeout'");
    expect(statements[0]).toContain('FOR NO KEY UPDATE');
    expect(statements[2]).toBe('COMMIT');
  });

  it('stores a batch in one round trip with a transaction script: BEGIN, the locks, the batch and COMMIT together', async () => {
    const { alice, room } = await groupOfTwo();
    const { pool, sent, script } = countedScript();
    try {
      const outcomes = await appendBatch(counted.db, [send(room.id, alice.id, 'one'), send(room.id, alice.id, 'two')], script);
      expect(outcomes.map((outcome) => outcome.verdict)).toEqual(['stored', 'stored']);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^BEGIN;\n\s*SELECT "id" FROM "Room"[^;]*FOR NO KEY UPDATE;\n\s*WITH input AS [\s\S]*;\nCOMMIT$/);
    } finally {
      await pool.end();
    }
  });

  it('stores with a transaction script exactly what the values were, whatever characters they hold, and reads back what Prisma reads', async () => {
    const { alice, room } = await groupOfTwo();
    const { pool, script } = countedScript();
    const awkward = [
      "it's a \"quote\", a \\ backslash, {braces}, NULL, $1 and ;-- a comment",
      'E\'\\x\' and 💬 émoji\nand a new line',
    ];
    try {
      const requests = awkward.map((body, index) => ({ ...send(room.id, alice.id, `o'dd "${index}" \\`), body }));
      const viaScript = await appendBatch(counted.db, requests, script);
      expect(viaScript.map((outcome) => outcome.verdict)).toEqual(['stored', 'stored']);
      const stored = await counted.db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: 'asc' } });
      expect(stored.map(({ body, clientMsgId }) => ({ body, clientMsgId }))).toEqual(requests.map(({ body, clientMsgId }) => ({ body, clientMsgId })));
      // Sent again, the same sends are retries: both transports answer with the stored rows, alike.
      const again = await appendBatch(counted.db, requests, script);
      const viaPrisma = await appendBatch(counted.db, requests);
      expect(again.map((outcome) => outcome.verdict)).toEqual(['existing', 'existing']);
      expect(again).toEqual(viaPrisma);
      const rows = again.map((outcome) => (outcome as { row: { seq: number; createdAt: Date; body: string } }).row);
      expect(rows.map((row) => [row.seq, row.body, row.createdAt.toISOString()])).toEqual(stored.map((row) => [row.seq, row.body, row.createdAt.toISOString()]));
    } finally {
      await pool.end();
    }
  });

  it.each(['Prisma transaction', 'script'])('gives up on a room another transaction holds, after the lock timeout (%s)', async (transport) => {
    const { pool, script } = countedScript();
    const { alice, room } = await groupOfTwo();
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Room" WHERE "id" = $1 FOR UPDATE', [room.id]);
      await expect(appendBatch(counted.db, [send(room.id, alice.id, 'held')], transport === 'script' ? script : null)).rejects.toThrow(/lock timeout/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The timeout was the batch's own: the connection's next statement waits as long as it needs.
    const [{ lock_timeout }] = await counted.db.$queryRaw<{ lock_timeout: string }[]>`SHOW lock_timeout`;
    expect(lock_timeout).toBe('0');
    // The script's connection too, which the failed script left rolled back and usable.
    expect((await pool.query('SHOW lock_timeout')).rows).toEqual([{ lock_timeout: '0' }]);
    await pool.end();
  }, 20_000);
});
