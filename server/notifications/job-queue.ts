import { errorReason } from '../db/errors';
import { log } from '../ops/logger';

/** The two kinds of notification work; see notifier.ts. */
export type NotifyJob =
  | { kind: 'decide'; userId: string; roomId: string }
  | { kind: 'deliver'; subscriptionId: string; scope: PushScope };

/** What a push is about: one user's messages in one room, after `afterSeq` up to `lastSeq` (as claimed). */
export type PushScope = { userId: string; roomId: string; afterSeq: number; lastSeq: number };

/**
 * What a push carries: no more than the notification shows, and `seq`, the newest message it speaks of
 * (no content: a notification already showing that message, or a newer one, is replaced without alerting).
 */
export type PushPayload = { title: string; body: string; roomId: string; url: string; tag: string; seq: number };

export type ScheduleOptions = {
  /** Jobs with the same key while one is waiting are one job (grouping, and one push across nodes). */
  key: string;
  delayMs: number;
  /** Tries in all; between them the wait doubles from `backoffMs`. */
  attempts: number;
  backoffMs: number;
};

/** A job that failed for good and must not be tried again (e.g. a push service's 400). */
export class PermanentJobError extends Error {}

/**
 * Delayed, deduplicated jobs with retries. BullMQ on Redis when there is Redis (survives a node, runs
 * once across nodes); in memory on the embedded single node. The notifier is the same code on both.
 */
export interface JobQueue {
  schedule(job: NotifyJob, options: ScheduleOptions): Promise<void>;
  start(handler: (job: NotifyJob) => Promise<void>): void;
  close(): Promise<void>;
}

/** The one-process queue: a timer per key; the key is free again as soon as its job starts. */
export class MemoryJobQueue implements JobQueue {
  private pending = new Map<string, NodeJS.Timeout>();
  private timers = new Set<NodeJS.Timeout>();
  private handler: ((job: NotifyJob) => Promise<void>) | null = null;
  private closed = false;

  async schedule(job: NotifyJob, options: ScheduleOptions): Promise<void> {
    if (this.closed || this.pending.has(options.key)) return;
    this.arm(job, options, options.delayMs, 1);
  }

  start(handler: (job: NotifyJob) => Promise<void>): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pending.clear();
  }

  private arm(job: NotifyJob, options: ScheduleOptions, delayMs: number, attempt: number) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.pending.get(options.key) === timer) this.pending.delete(options.key);
      void this.run(job, options, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
    if (attempt === 1) this.pending.set(options.key, timer);
  }

  private async run(job: NotifyJob, options: ScheduleOptions, attempt: number) {
    try {
      if (!this.handler) throw new Error('no handler');
      await this.handler(job);
    } catch (error) {
      const retry = !(error instanceof PermanentJobError) && attempt < options.attempts && !this.closed;
      logJobError(job, error, retry);
      if (retry) this.arm(job, { ...options, key: `${options.key}:retry` }, options.backoffMs * 2 ** (attempt - 1), attempt + 1);
    }
  }
}

export function logJobError(job: NotifyJob, error: unknown, willRetry: boolean) {
  log().error({ job: job.kind, willRetry, err: errorReason(error) }, 'notify job failed');
}
