import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { poolTransactionScript, type TransactionScript } from '@/server/db/transaction-script';
import { activityAudience, receiptAudience } from '@/server/safety/visibility';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';
import { watchDb } from '../helpers/watched-db';

// Who is told of a member's receipts and typing, on the real database: the room's other members but
// anyone with a block either way; everything asked in one turn of the event loop is one query (receipts:
// everything asked within a few milliseconds, across turns).
const database = useTestDatabase();
const userIds = database.userIds;

describe('activityAudience', () => {
  it('answers the audiences asked for in one turn with one query, leaving out the member and blocks either way', async () => {
    const db = database.db;
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id, dave.id);
    const group = await insertGroup(db, alice.id, [bob.id, carol.id, dave.id]);
    const pair = await insertGroup(db, bob.id, [carol.id]);
    // Dave blocked alice; carol was blocked by bob.
    await db.block.createMany({ data: [{ blockerId: dave.id, blockedId: alice.id }, { blockerId: bob.id, blockedId: carol.id }] });

    const watched = watchDb(db);
    const member = (roomId: string, userId: string, request: string | null = null) => activityAudience(watched.db, { roomId, userId, request });
    const [ofAlice, ofBob, ofCarolInPair, ofAliceAgain, ofStranger] = await Promise.all([
      member(group.id, alice.id),
      member(group.id, bob.id),
      member(pair.id, carol.id),
      member(group.id, alice.id),
      member(group.id, dave.id, 'pending'),
    ]);

    expect(ofAlice.sort()).toEqual([bob.id, carol.id].sort());
    expect(ofAliceAgain.sort()).toEqual([bob.id, carol.id].sort());
    expect(ofBob.sort()).toEqual([alice.id, dave.id].sort());
    expect(ofCarolInPair).toEqual([]);
    // A recipient who has not accepted a request shows no activity at all, and costs no query.
    expect(ofStranger).toEqual([]);
    expect(watched.calls.map((call) => call.name)).toEqual(['$queryRaw']);
  });

  it('sends a receipt in a big room only to the senders it covers, still leaving out blocks, one query per turn', async () => {
    const db = database.db;
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id, dave.id);
    const group = await insertGroup(db, alice.id, [bob.id, carol.id, dave.id]);
    // Seqs 1..4 from alice, carol, dave, carol, then a system note of alice's (it shows no receipts); dave blocked bob.
    const senders = [alice, carol, dave, carol, alice];
    await db.message.createMany({
      data: senders.map((sender, index) => ({ roomId: group.id, seq: index + 1, senderId: sender.id, clientMsgId: `m${index}`, body: 'hi', kind: index === 4 ? 'system' : 'text' })),
    });
    await db.block.create({ data: { blockerId: dave.id, blockedId: bob.id } });

    const watched = watchDb(db);
    const bobMoved = (fromSeq: number, toSeq: number, toAllMaxMembers: number) =>
      receiptAudience(watched.db, { roomId: group.id, userId: bob.id, request: null, fromSeq, toSeq }, toAllMaxMembers).then((ids) => ids.sort());
    const [firstTwo, lastTwo, lastOne, middle, smallRoom, systemNote] = await Promise.all([
      bobMoved(0, 2, 3),
      bobMoved(2, 5, 3),
      bobMoved(3, 4, 3),
      bobMoved(2, 3, 3),
      bobMoved(0, 1, 4),
      bobMoved(4, 5, 3),
    ]);

    expect(firstTwo).toEqual([alice.id, carol.id].sort());
    // Dave sent seq 3, but he blocked bob: he is told nothing of bob's; alice's system note tells her nothing.
    expect(lastTwo).toEqual([carol.id]);
    expect(lastOne).toEqual([carol.id]);
    expect(middle).toEqual([]);
    // Four members are within a limit of four: everyone but dave, whatever they sent.
    expect(smallRoom).toEqual([alice.id, carol.id].sort());
    expect(systemNote).toEqual([]);
    expect(watched.calls.map((call) => call.name)).toEqual(['$queryRaw']);
  });

  it('looks up receipts asked a few turns apart, as busy cursor batches ask them, in one query', async () => {
    const db = database.db;
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id);
    const group = await insertGroup(db, alice.id, [bob.id]);
    await db.message.createMany({ data: [1, 2, 3].map((seq) => ({ roomId: group.id, seq, senderId: alice.id, clientMsgId: `t${seq}`, body: 'hi' })) });

    const watched = watchDb(db);
    const asked: Promise<string[]>[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      asked.push(receiptAudience(watched.db, { roomId: group.id, userId: bob.id, request: null, fromSeq: seq - 1, toSeq: seq }, 10));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(asked)).toEqual([[alice.id], [alice.id], [alice.id]]);
    expect(watched.calls.map((call) => call.name)).toEqual(['$queryRaw']);
  });

  it('looks receipts up through a transaction script (Postgres) with the same answers, planned once per connection', async () => {
    const db = database.db;
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id, dave.id);
    const group = await insertGroup(db, alice.id, [bob.id, carol.id, dave.id]);
    const senders = [alice, carol, dave];
    await db.message.createMany({ data: senders.map((sender, index) => ({ roomId: group.id, seq: index + 1, senderId: sender.id, clientMsgId: `p${index}`, body: 'hi' })) });
    await db.block.create({ data: { blockerId: dave.id, blockedId: bob.id } });
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    const script = poolTransactionScript(pool);
    try {
      const watched = watchDb(db);
      const bobMoved = (fromSeq: number, toSeq: number, toAllMaxMembers: number, through: TransactionScript | null = script) =>
        receiptAudience(watched.db, { roomId: group.id, userId: bob.id, request: null, fromSeq, toSeq }, toAllMaxMembers, through).then((ids) => ids.sort());
      // Three look-ups of one, three and two receipts, in turns far enough apart to go one by one.
      expect(await bobMoved(0, 1, 3)).toEqual([alice.id]);
      expect(await Promise.all([bobMoved(0, 3, 3), bobMoved(1, 2, 3), bobMoved(0, 3, 4)])).toEqual([[alice.id, carol.id].sort(), [carol.id], [alice.id, carol.id].sort()]);
      expect(await Promise.all([bobMoved(2, 3, 3), bobMoved(0, 2, 10)])).toEqual([[], [alice.id, carol.id].sort()]);
      // Prisma (no script) gives the same, and the script's look-ups never went through it.
      expect(await bobMoved(0, 3, 3, null)).toEqual([alice.id, carol.id].sort());
      expect(watched.calls.map((call) => call.name)).toEqual(['$queryRaw']);
      const { rows } = await pool.query('SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements');
      expect(rows).toEqual([{ name: 'relay_receipt_audience', generic_plans: 3, custom_plans: 0 }]);
    } finally {
      await pool.end();
    }
  });
});
