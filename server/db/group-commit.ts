/** One item waiting for its batch, answered on its own once the batch is written. */
export type Pending<T, R> = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };

/**
 * Group commit: items that arrive while a batch is being written wait and go together in the next one
 * (up to `maxBatch`), so under load one statement writes many, and a lone item waits for nothing but its
 * own statement. One batch is in flight at a time and batches go in arrival order; `write` must answer
 * every item of its batch.
 */
export class GroupCommit<T, R> {
  private waiting: Pending<T, R>[] = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly write: (batch: Pending<T, R>[]) => Promise<void>,
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  // After the current I/O phase, so what arrived together is written together.
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
    const batch = this.waiting.splice(0, this.maxBatch);
    try {
      await this.write(batch);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
