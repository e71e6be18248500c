import { isDatabaseUnavailable } from '../db/errors';
import { log } from '../ops/logger';
import { metrics } from '../ops/metrics';
import type { PrismaClient } from '../db/generated/client';
import { GroupCommit, type Pending } from '../db/group-commit';
import type { TransactionScript } from '../db/transaction-script';
import { type AppendOutcome, type AppendRequest, appendBatch } from './append-batch';

type Waiting = Pending<AppendRequest, AppendOutcome>;

const MAX_BATCH = 500;

/**
 * Group commit for sends to existing rooms (server/db/group-commit.ts): sends that arrive while a batch
 * is being stored go together in the next one, so under load one transaction stores many messages.
 * Rooms are spread over `lanes` group commits by a hash of their id, each with one batch in flight: a
 * room's batches are stored one after another, each in the order its sends were appended, so the order
 * within a room follows the order each sender sent in, while other rooms' batches go at the same time
 * (each batch locks its rooms in id order, as two nodes' batches do).
 */
export class AppendQueue {
  private readonly lanes: GroupCommit<AppendRequest, AppendOutcome>[];
  // Per lane, settles once the latest send appended there has been answered (batches go in order).
  private latest: Promise<unknown>[];

  /** `script`: batches in one round trip, on Postgres (server/db/transaction-script.ts). */
  constructor(
    private readonly db: PrismaClient,
    lanes = 1,
    private readonly script: TransactionScript | null = null,
  ) {
    this.lanes = Array.from({ length: lanes }, () => new GroupCommit<AppendRequest, AppendOutcome>((batch) => this.store(batch), MAX_BATCH));
    this.latest = this.lanes.map(() => Promise.resolve());
  }

  append(request: AppendRequest): Promise<AppendOutcome> {
    const lane = laneOf(request.roomId, this.lanes.length);
    const outcome = this.lanes[lane].add(request);
    this.latest[lane] = outcome.catch(() => {});
    return outcome;
  }

  /** Resolves once every send appended so far has been stored or refused. */
  async settled(): Promise<void> {
    await Promise.all(this.latest);
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
      const outcomes = await appendBatch(this.db, batch.map((entry) => entry.item), this.script);
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

/** A room's lane: the same room always goes to the same one (FNV-1a of its id). */
export function laneOf(roomId: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < roomId.length; index += 1) hash = Math.imul(hash ^ roomId.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % lanes;
}
