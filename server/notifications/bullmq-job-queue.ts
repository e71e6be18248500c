import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { log } from '../ops/logger';
import { closeRedis, reportRedisErrors } from '../redis';
import { type JobQueue, logJobError, type NotifyJob, PermanentJobError, type ScheduleOptions } from './job-queue';

const QUEUE = 'relay-notify';
// How long shutdown waits for the worker's running jobs (a push to a slow push service).
const CLOSE_WAIT_MS = 2_000;

/**
 * The Redis queue. A job waits in Redis, so a node that dies leaves it to the others; the
 * deduplication id makes a burst of messages (on any node) one job, and a message that comes while
 * that job runs one more job after it (keepLastIfActive), never a second one in parallel.
 */
export class BullJobQueue implements JobQueue {
  private queue: Queue;
  private worker: Worker | null = null;
  private connections: Redis[] = [];

  constructor(private readonly url: string) {
    this.queue = new Queue(QUEUE, { connection: this.connection() });
    // What it emits are its connection's errors, reported there; unheard, BullMQ printed each as a bare object.
    this.queue.on('error', () => {});
  }

  // BullMQ wants its own connections (the worker's blocks), with no per-request retry limit.
  private connection() {
    const redis = new Redis(this.url, { maxRetriesPerRequest: null });
    reportRedisErrors(redis);
    this.connections.push(redis);
    return redis;
  }

  async schedule(job: NotifyJob, options: ScheduleOptions): Promise<void> {
    await this.queue.add(job.kind, job, {
      delay: options.delayMs,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      deduplication: { id: options.key, keepLastIfActive: true },
      removeOnComplete: true,
      removeOnFail: 100,
    });
  }

  start(handler: (job: NotifyJob) => Promise<void>): void {
    this.worker = new Worker<NotifyJob>(
      QUEUE,
      async (job) => {
        try {
          await handler(job.data);
        } catch (error) {
          const willRetry = !(error instanceof PermanentJobError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
          logJobError(job.data, error, willRetry);
          throw error instanceof PermanentJobError ? new UnrecoverableError(error.message) : error;
        }
      },
      { connection: this.connection(), concurrency: 8 },
    );
    // Also the errors of the blocking connection BullMQ makes itself (a copy of ours, without our listener).
    this.worker.on('error', (error) => log().error({ err: error.message }, 'notification worker error'));
  }

  async close(): Promise<void> {
    const closing = (async () => {
      await this.worker?.close().catch(() => {});
      await this.queue.close().catch(() => {});
    })();
    // With Redis down, BullMQ's close waits for it to come back: the node then hung until its 10 s safety
    // timer (exit 1). A job cut off here runs again on another node (it stays in Redis).
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await Promise.all(this.connections.map(closeRedis));
  }
}
