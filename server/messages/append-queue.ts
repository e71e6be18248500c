import { isDatabaseUnavailable } from '../db/errors';
import { log } from '../ops/logger';
import { metrics } from '../ops/metrics';
import type { PrismaClient } from '../db/generated/client';
import { type AppendOutcome, type AppendRequest, appendBatch } from './append-batch';

type Waiting = { request: AppendRequest; resolve: (outcome: AppendOutcome) => void; reject: (error: unknown) => void };

const MAX_BATCH = 500;

/**
 * Group commit for sends to existing rooms: sends that arrive while a batch is being stored wait
 * and go together in the next one, so under load one transaction stores many messages, and a lone
 * send waits for nothing but its own statement. Batches are stored one after another and each in the
 * order its sends were appended, so the order within a room follows the order each sender sent in.
 */
export class AppendQueue {
  private waiting: Waiting[] = [];
  private busy = false;
  private scheduled = false;
  // Settles once the latest send appended has been answered: batches go in order, so all before it have too.
  private latest: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: PrismaClient) {}

  append(request: AppendRequest): Promise<AppendOutcome> {
    const outcome = new Promise<AppendOutcome>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.schedule();
    });
    this.latest = outcome.catch(() => {});
    return outcome;
  }

  /** Resolves once every send appended so far has been stored or refused. */
  async settled(): Promise<void> {
    await this.latest;
  }

  // After the current I/O phase, so the sends that arrived together are stored together.
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
    try {
      await this.store(this.waiting.splice(0, MAX_BATCH));
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /**
   * One send the database refuses must not fail the others with it, nor make the node store them one by
   * one: a refused batch is split in halves, first half first, down to the send that is refused alone.
   * Only when the data was refused, though: a connection or timeout error fails every send at once
   * (each half would wait out the same timeout again; one overload once left a node ~35 s without an ack).
   */
  private async store(batch: Waiting[]): Promise<void> {
    metrics().appendBatchSends.observe(batch.length);
    try {
      const outcomes = await appendBatch(this.db, batch.map((entry) => entry.request));
      batch.forEach((entry, index) => entry.resolve(outcomes[index]));
      metrics().messagesStored.inc(outcomes.filter((outcome) => outcome.verdict === 'stored').length);
    } catch (error) {
      const infrastructure = isDatabaseUnavailable(error);
      if (infrastructure) metrics().postgresErrors.inc();
      if (batch.length === 1 || infrastructure) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      metrics().appendBatchSplits.inc();
      log().warn({ batch: batch.length, err: error instanceof Error ? error.message : String(error) }, 'a batch of sends was refused, storing it in halves');
      const half = Math.ceil(batch.length / 2);
      await this.store(batch.slice(0, half));
      await this.store(batch.slice(half));
    }
  }
}
