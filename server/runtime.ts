import type { AttachmentStorage } from './attachments/attachment-storage';
import type { Redis } from 'ioredis';
import type { AppEnv } from './env';
import type { PrismaClient } from './db/generated/client';
import type { AppendQueue } from './messages/append-queue';
import type { PresenceTracker } from './presence/presence-tracker';
import type { ReceiptAnnouncer } from './receipts/receipt-announcer';
import type { ReceiptQueue } from './receipts/receipt-queue';
import type { Broadcaster } from './realtime/broadcaster';
import type { FailureLedger } from './safety/failure-ledger';
import type { TokenBuckets } from './safety/token-bucket';
import type { Notifications } from './notifications/notifications';
import type { ConcurrencyLimit } from './ops/concurrency-limit';

// server.ts and Next's bundled route handlers are separate module graphs in one process:
// everything stateful lives on globalThis so both see the same database handle and emitter.
type Runtime = {
  env: AppEnv;
  db: PrismaClient;
  broadcaster: Broadcaster;
  presence: PresenceTracker;
  buckets: TokenBuckets;
  appendQueue: AppendQueue;
  /** Delivered and read reports, written in batches and announced at most once per window. */
  receipts: { queue: ReceiptQueue; announcer: ReceiptAnnouncer };
  /** Failed sign-ins, for the lock-out backoff (Redis-backed across nodes). */
  failures: FailureLedger;
  attachments: AttachmentStorage;
  notifications: Notifications;
  /** Admission for reads that carry whole rosters (env ROSTER_READS_*). */
  rosterReads: ConcurrencyLimit;
  /** For the readiness check; null on one node without Redis. */
  redis?: Redis | null;
};

const holder = globalThis as typeof globalThis & { __relayRuntime?: Runtime };

export function setRuntime(runtime: Runtime): void {
  holder.__relayRuntime = runtime;
}

export function getRuntime(): Runtime {
  const runtime = holder.__relayRuntime;
  if (!runtime) throw new Error('Relay runtime is not initialised: start the app through server.ts');
  return runtime;
}

export const getDb = () => getRuntime().db;
export const getBroadcaster = () => getRuntime().broadcaster;
export const getPresence = () => getRuntime().presence;
