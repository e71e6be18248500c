import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type JobQueue, logJobError, type NotifyJob, PermanentJobError, type ScheduleOptions } from './job-queue';

const QUEUE = 'relay-notify';

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
  }

  // BullMQ wants its own connections (the worker's blocks), with no per-request retry limit.
  private connection() {
    const redis = new Redis(this.url, { maxRetriesPerRequest: null });
    redis.on('error', (error) => console.error('[relay] notify redis:', error.message));
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
    this.worker.on('error', (error) => console.error('[relay] notify worker:', error.message));
  }

  async close(): Promise<void> {
    await this.worker?.close().catch(() => {});
    await this.queue.close().catch(() => {});
    await Promise.all(this.connections.map((redis) => redis.quit().catch(() => {})));
  }
}
