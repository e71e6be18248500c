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
      // A connection's first batch prepares the two statements first, once.
      await appendBatch(counted.db, [send(room.id, alice.id, 'first')], script);
      expect(sent.map((text) => text.split('\n')[0].split(' ').slice(0, 2).join(' '))).toEqual(['PREPARE relay_batch_lock', 'PREPARE relay_batch_append', 'BEGIN;']);
      sent.length = 0;
      const outcomes = await appendBatch(counted.db, [send(room.id, alice.id, 'one'), send(room.id, alice.id, 'two')], script);
      expect(outcomes.map((outcome) => outcome.verdict)).toEqual(['stored', 'stored']);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^BEGIN;\nSET LOCAL plan_cache_mode = force_generic_plan;\nEXECUTE relay_batch_lock\([^;]*\);\nEXECUTE relay_batch_append\([^;]*\);\nCOMMIT$/);
    } finally {
      await pool.end();
    }
  });

  it('plans the batch statements once per connection, whatever the batch sizes, instead of once per batch', async () => {
    const { alice, room } = await groupOfTwo();
    const { pool, script } = countedScript();
    try {
      const sizes = [1, 3, 1, 2, 1];
      let sent = 0;
      for (const size of sizes) {
        const outcomes = await appendBatch(counted.db, Array.from({ length: size }, () => send(room.id, alice.id, `m${sent++}`)), script);
        expect(outcomes.every((outcome) => outcome.verdict === 'stored')).toBe(true);
      }
      const seqs = (await counted.db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: 'asc' } })).map((message) => message.seq);
      expect(seqs).toEqual(Array.from({ length: sent }, (_, index) => index + 1));
      // The pool's one connection is the script's: what it prepared, and how each run was planned.
      const { rows } = await pool.query('SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements ORDER BY name');
      expect(rows).toEqual([
        { name: 'relay_batch_append', generic_plans: sizes.length, custom_plans: 0 },
        { name: 'relay_batch_lock', generic_plans: sizes.length, custom_plans: 0 },
      ]);
      // Generic plans for the script's statements only: the connection's own setting is untouched.
      expect((await pool.query('SHOW plan_cache_mode')).rows).toEqual([{ plan_cache_mode: 'auto' }]);
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
      "only 'single' quotes",
      'only a \\ backslash',
    ];
    try {
      const requests = awkward.map((body, index) => ({ ...send(room.id, alice.id, `o'dd "${index}" \\`), body }));
      const viaScript = await appendBatch(counted.db, requests, script);
      expect(viaScript.map((outcome) => outcome.verdict)).toEqual(awkward.map(() => 'stored'));
      const stored = await counted.db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: 'asc' } });
      expect(stored.map(({ body, clientMsgId }) => ({ body, clientMsgId }))).toEqual(requests.map(({ body, clientMsgId }) => ({ body, clientMsgId })));
      // Sent again, the same sends are retries: both transports answer with the stored rows, alike.
      const again = await appendBatch(counted.db, requests, script);
      const viaPrisma = await appendBatch(counted.db, requests);
      expect(again.map((outcome) => outcome.verdict)).toEqual(awkward.map(() => 'existing'));
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
