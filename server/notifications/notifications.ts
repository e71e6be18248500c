import type { AppEnv } from '../env';
import type { PrismaClient } from '../db/generated/client';
import type { TransactionScript } from '../db/transaction-script';
import type { RedisConnections } from '../redis';
import { BullJobQueue } from './bullmq-job-queue';
import { MemoryJobQueue } from './job-queue';
import { Notifier } from './notifier';
import { resolveVapidKeys, type VapidKeys } from './vapid';
import { MemoryViewStore, RedisViewStore, ViewTracker } from './view-state';

/** The notification parts the rest of the app reaches through the runtime. */
export type Notifications = { notifier: Notifier; views: ViewTracker; vapid: VapidKeys; allowHttpEndpoints: boolean };

/** Built once by server.ts: Redis-backed with Redis, in-process on the embedded default; same code after. */
export function createNotifications(
  env: AppEnv,
  db: PrismaClient,
  redis: RedisConnections | null,
  vapid = resolveVapidKeys(env),
  script: TransactionScript | null = null,
): Notifications & { start(): void; stop(): Promise<void> } {
  const views = new ViewTracker(redis ? new RedisViewStore(redis.pub) : new MemoryViewStore(), env.PRESENCE_TTL_MS);
  const queue = redis && env.REDIS_URL ? new BullJobQueue(env.REDIS_URL) : new MemoryJobQueue();
  const notifier = new Notifier({ db, script, queue, views, vapid, delayMs: env.NOTIFY_DELAY_MS, allowPrivateEndpoints: env.PUSH_INSECURE_ENDPOINTS });
  return {
    notifier,
    views,
    vapid,
    allowHttpEndpoints: env.PUSH_INSECURE_ENDPOINTS,
    start() {
      views.start();
      notifier.start();
    },
    async stop() {
      views.stop();
      await notifier.close();
    },
  };
}
