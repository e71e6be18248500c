import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { poolTransactionScript } from '@/server/db/transaction-script';
import { appendBatch } from '@/server/messages/append-batch';
import { advanceCursors, memberKey } from '@/server/receipts/advance-cursors';
import { insertGroup, insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';

// A cursor batch through a transaction script (Postgres, as server.ts runs it) gives what the same batch
// gives through Prisma, and its statement is planned once per connection, not once per batch.
const database = useTestDatabase();

async function groupWithMessages(count: number) {
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => insertUser(database.db, name)));
  database.userIds.push(alice.id, bob.id, carol.id);
  const room = await insertGroup(database.db, alice.id, [bob.id, carol.id]);
  database.roomIds.push(room.id);
  const sends = Array.from({ length: count }, (_, index) => ({ id: randomUUID(), roomId: room.id, senderId: alice.id, clientMsgId: `m${index}`, body: `m${index}` }));
  await appendBatch(database.db, sends);
  return { room, bob, carol };
}

describe('cursor batch through a transaction script', () => {
  it('moves cursors as the Prisma path does, with unread counts as numbers, planning its statement once', async () => {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    const script = poolTransactionScript(pool);
    try {
      const viaScript = await groupWithMessages(5);
      const viaPrisma = await groupWithMessages(5);
      const reports = ({ room, bob, carol }: Awaited<ReturnType<typeof groupWithMessages>>) => [
        { roomId: room.id, userId: bob.id, kind: 'read' as const, seq: 2 },
        { roomId: room.id, userId: bob.id, kind: 'delivered' as const, seq: 4 },
        // Past the room's last message: clamped to it.
        { roomId: room.id, userId: carol.id, kind: 'read' as const, seq: 99 },
      ];
      const fromScript = await advanceCursors(database.db, reports(viaScript), script);
      const fromPrisma = await advanceCursors(database.db, reports(viaPrisma));
      const bobs = fromScript.get(memberKey(viaScript.room.id, viaScript.bob.id));
      expect(bobs).toEqual({ ...bobs, read: 2, readSeq: 2, unread: 3, delivered: 4 });
      expect(fromScript.get(memberKey(viaScript.room.id, viaScript.carol.id))).toMatchObject({ read: 5, unread: 0 });
      const withoutIds = (changes: Map<string, unknown>) => [...changes.values()].map((change) => ({ ...(change as object), member: undefined }));
      expect(withoutIds(fromScript)).toEqual(withoutIds(fromPrisma));

      // More batches of other sizes: still the one plan, generic.
      await advanceCursors(database.db, [{ roomId: viaScript.room.id, userId: viaScript.bob.id, kind: 'read', seq: 3 }], script);
      await advanceCursors(database.db, reports(viaScript).slice(0, 2), script);
      const { rows } = await pool.query('SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements');
      expect(rows).toEqual([{ name: 'relay_advance_cursors', generic_plans: 3, custom_plans: 0 }]);
      expect((await database.db.roomMember.findUniqueOrThrow({ where: { roomId_userId: { roomId: viaScript.room.id, userId: viaScript.bob.id } } })).readSeq).toBe(3);
    } finally {
      await pool.end();
    }
  });
});
