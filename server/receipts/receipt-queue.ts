import type { PrismaClient } from '../db/generated/client';
import { type CursorChange, type CursorReport, advanceCursors, memberKey } from './advance-cursors';

type Waiting = { report: CursorReport; resolve: (change: CursorChange | null) => void; reject: (error: unknown) => void };

const MAX_BATCH = 1000;

/**
 * Group commit for delivered and read reports, like the send pipeline's AppendQueue: reports that
 * arrive while a batch is being written wait and go together in the next one, so under load one
 * statement moves many cursors, and a lone report waits for nothing but its own statement. Each
 * report is answered once its batch has committed: with its member's change, or null for a non-member.
 */
export class ReceiptQueue {
  private waiting: Waiting[] = [];
  private busy = false;
  private scheduled = false;

  constructor(private readonly db: PrismaClient) {}

  advance(report: CursorReport): Promise<CursorChange | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ report, resolve, reject });
      this.schedule();
    });
  }

  // After the current I/O phase, so the reports that arrived together are written together.
  private schedule() {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush() {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    const batch = this.waiting.splice(0, MAX_BATCH);
    try {
      // Values are validated ints and ids: a failure is the database's, and fails the whole batch.
      const changes = await advanceCursors(this.db, batch.map((entry) => entry.report));
      for (const { report, resolve } of batch) resolve(changes.get(memberKey(report.roomId, report.userId)) ?? null);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
