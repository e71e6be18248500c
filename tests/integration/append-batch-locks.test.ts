import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
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

  it('gives up on a room another transaction holds, after the lock timeout', async () => {
    const { alice, room } = await groupOfTwo();
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Room" WHERE "id" = $1 FOR UPDATE', [room.id]);
      await expect(appendBatch(counted.db, [send(room.id, alice.id, 'held')])).rejects.toThrow(/lock timeout/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The timeout was the batch's own: the connection's next statement waits as long as it needs.
    const [{ lock_timeout }] = await counted.db.$queryRaw<{ lock_timeout: string }[]>`SHOW lock_timeout`;
    expect(lock_timeout).toBe('0');
  }, 20_000);
});
