import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Prisma } from '@/server/db/generated/client';
import { prepared, scriptText } from '@/server/db/transaction-script';
import { appendBatch, batchStatements } from '@/server/messages/append-batch';
import { receiptAudienceSql } from '@/server/safety/visibility';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';

// The busiest statements must not read what they do not need: a read of a whole table per message or
// per receipt costs nothing in a test database and everything in one with millions of rows. Each test
// runs the statement as Postgres plans it (EXPLAIN ANALYZE, rolled back) and counts what it read.
const database = useTestDatabase();

type PlanNode = { 'Relation Name'?: string; 'Actual Loops': number; Plans?: PlanNode[] };

/**
 * How many times the last statement, run after the others in one transaction then rolled back, read
 * `table`. `generic`: the last runs prepared on a generic plan, as a transaction script runs it.
 */
async function readsOf(table: string, statements: Prisma.Sql[], plan: 'custom' | 'generic' = 'custom') {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const statement of statements.slice(0, -1)) await client.query(statement.text, statement.values);
    const last = statements.at(-1)!;
    let explained = `EXPLAIN (ANALYZE, FORMAT JSON) ${last.text}`;
    if (plan === 'generic') {
      await client.query(`PREPARE probe AS ${last.text}`);
      await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
      explained = `EXPLAIN (ANALYZE, FORMAT JSON) ${scriptText(prepared('probe', last))}`;
    }
    const { rows } = await client.query(explained, plan === 'generic' ? [] : last.values);
    const loops = (node: PlanNode): number =>
      (node['Relation Name'] === table ? node['Actual Loops'] : 0) + (node.Plans ?? []).reduce((sum, inner) => sum + loops(inner), 0);
    return loops(rows[0]['QUERY PLAN'][0].Plan);
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}

async function groupOf(names: string[]) {
  const users = await Promise.all(names.map((name) => insertUser(database.db, name)));
  database.userIds.push(...users.map((user) => user.id));
  const room = await insertGroup(database.db, users[0].id, users.slice(1).map((user) => user.id));
  database.roomIds.push(room.id);
  return { users, room };
}

const send = (roomId: string, senderId: string, clientMsgId: string) => ({ id: randomUUID(), roomId, senderId, clientMsgId, body: `${clientMsgId} body` });

describe('what the busiest statements read', () => {
  it('a send batch looks up no user for messages that mention nobody, and members for one that does', async () => {
    const { users: [alice, bob], room } = await groupOf(['alice', 'bob']);
    // Most messages name nobody; the look-up had scanned the users once per message stored.
    expect(await readsOf('User', batchStatements([send(room.id, alice.id, 'one'), send(room.id, alice.id, 'two')]))).toBe(0);
    const mentioning = [{ ...send(room.id, alice.id, 'three'), body: `@${bob.handle} look`, mentionCandidates: [bob.handle] }];
    expect(await readsOf('User', batchStatements(mentioning))).toBeGreaterThan(0);
    const [outcome] = await appendBatch(database.db, mentioning);
    expect(outcome).toMatchObject({ verdict: 'stored', row: { mentions: [bob.handle] } });
  });

  it("receipts' audiences read no message in rooms told of every receipt, and a big room's only in range", async () => {
    const { users: [alice, bob, carol], room } = await groupOf(['alice', 'bob', 'carol']);
    const stored = await appendBatch(database.db, [send(room.id, alice.id, 'a1'), send(room.id, carol.id, 'c1')]);
    const [aliceSeq, carolSeq] = stored.map((outcome) => (outcome as { row: { seq: number } }).row.seq);
    // Bob read both messages: [roomId, reader, fromSeq, toSeq, the most members told of every receipt].
    const bobRead = (toAllMax: number) => [JSON.stringify([room.id, bob.id, aliceSeq - 1, carolSeq, toAllMax])];
    const audience = async (keys: string[]) =>
      (await database.db.$queryRaw<{ audienceId: string }[]>(receiptAudienceSql(keys))).map((row) => row.audienceId).sort();

    // Three members, all told: the messages need not be read (it had read every message of every room).
    expect(await readsOf('Message', [receiptAudienceSql(bobRead(3))])).toBe(0);
    // The same on the generic plan it runs on through a transaction script, which knows no room's size.
    expect(await readsOf('Message', [receiptAudienceSql(bobRead(3))], 'generic')).toBe(0);
    expect(await audience(bobRead(3))).toEqual([alice.id, carol.id].sort());
    // A "big" room (more members than 2): only the senders of messages in the range are told.
    expect(await readsOf('Message', [receiptAudienceSql(bobRead(2))])).toBeGreaterThan(0);
    expect(await readsOf('Message', [receiptAudienceSql(bobRead(2))], 'generic')).toBeGreaterThan(0);
    expect(await audience(bobRead(2))).toEqual([alice.id, carol.id].sort());
    expect(await audience([JSON.stringify([room.id, bob.id, aliceSeq, carolSeq, 2])])).toEqual([carol.id]);
  });
});
