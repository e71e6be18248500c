import type { PrismaClient } from '../db/generated/client';
import { GroupCommit } from '../db/group-commit';
import type { TransactionScript } from '../db/transaction-script';
import { type CursorChange, type CursorReport, advanceCursors, memberKey } from './advance-cursors';

// A group's members all report each message at once. Batches of up to 1,000 made every report of a message
// wait for one long statement and then answered them all in one stretch of the event loop, so the next
// message waited behind it; batches of up to 100 keep both short, at no more CPU (docs/performance.md,
// "Thirteenth round").
const MAX_CURSOR_BATCH = 100;

/**
 * Group commit for delivered and read reports, like the send pipeline's AppendQueue: reports that
 * arrive while a batch is being written go together in the next one, so under load one statement moves
 * many cursors. Each report is answered once its batch has committed: with its member's change, or null
 * for a non-member. Values are validated ints and ids: a failure is the database's, and fails the batch.
 */
export class ReceiptQueue {
  private readonly commit: GroupCommit<CursorReport, CursorChange | null>;

  /** `script`: each batch in one round trip, on Postgres (server/db/transaction-script.ts). */
  constructor(db: PrismaClient, script: TransactionScript | null = null) {
    this.commit = new GroupCommit(async (batch) => {
      const changes = await advanceCursors(db, batch.map((entry) => entry.item), script);
      for (const { item, resolve } of batch) resolve(changes.get(memberKey(item.roomId, item.userId)) ?? null);
    }, MAX_CURSOR_BATCH);
  }

  advance(report: CursorReport): Promise<CursorChange | null> {
    return this.commit.add(report);
  }
}
