import { describe, expect, it } from 'vitest';
import { activityAudience } from '@/server/safety/visibility';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { watchDb } from '../helpers/watched-db';

// Who is told of a member's receipts and typing, on the real database: the room's other members but
// anyone with a block either way; everything asked in one turn of the event loop is one query.
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
});
