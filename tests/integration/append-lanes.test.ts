import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppendQueue, laneOf } from '@/server/messages/append-queue';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';

// Several group-commit batches in flight (server/messages/append-queue.ts): rooms are spread over lanes,
// each with one batch at a time, so a room that is slow to store (here: held by another transaction)
// holds up its own lane, not every send of the node; a room's own sends still go in order.
const database = useTestDatabase();
const LANES = 2;

const send = (roomId: string, senderId: string, clientMsgId: string) => ({ id: randomUUID(), roomId, senderId, clientMsgId, body: `${clientMsgId} body` });

async function groupsInTwoLanes() {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => insertUser(database.db, name)));
  database.userIds.push(alice.id, bob.id);
  const rooms = [];
  while (new Set(rooms.map((room) => laneOf(room.id, LANES))).size < 2) {
    const room = await insertGroup(database.db, alice.id, [bob.id]);
    database.roomIds.push(room.id);
    rooms.push(room);
  }
  const held = rooms[0];
  const other = rooms.find((room) => laneOf(room.id, LANES) !== laneOf(held.id, LANES))!;
  return { alice, held, other };
}

describe('append queue lanes', () => {
  it('stores a send to another room while one room is held, and the held room once it is free, in order', async () => {
    const { alice, held, other } = await groupsInTwoLanes();
    const queue = new AppendQueue(database.db, LANES);
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Room" WHERE "id" = $1 FOR UPDATE', [held.id]);
      // Appended in one turn: with one batch in flight they would share it, and wait on the held room together.
      const toHeld = [queue.append(send(held.id, alice.id, 'h1')), queue.append(send(held.id, alice.id, 'h2'))];
      const toOther = queue.append(send(other.id, alice.id, 'o1'));
      const first = await Promise.race([
        toHeld[0].then(() => 'held', () => 'held refused'),
        toOther.then((outcome) => `other ${outcome.verdict}`, () => 'other refused'),
      ]);
      expect(first).toBe('other stored');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await queue.settled();
    const stored = await database.db.message.findMany({ where: { roomId: held.id }, orderBy: { seq: 'asc' }, select: { clientMsgId: true } });
    expect(stored.map((message) => message.clientMsgId)).toEqual(['h1', 'h2']);
  }, 20_000);
});
