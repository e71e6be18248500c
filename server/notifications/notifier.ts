import type { ChatMessage } from '@/lib/schemas';
import { Prisma, type PrismaClient } from '../db/generated/client';
import { errorReason } from '../db/errors';
import { prepared, queryPrepared, type TransactionScript } from '../db/transaction-script';
import { log } from '../ops/logger';
import { composePush, decideNotification } from './decide-notification';
import { deliverPush } from './deliver-push';
import type { JobQueue, NotifyJob } from './job-queue';
import type { VapidKeys } from './vapid';
import type { ViewTracker } from './view-state';

/** `script`: on Postgres, the look-up of who can be pushed to is prepared once per connection. */
export type NotifierDeps = {
  db: PrismaClient;
  script?: TransactionScript | null;
  queue: JobQueue;
  views: ViewTracker;
  vapid: VapidKeys;
  delayMs: number;
  /** PUSH_INSECURE_ENDPOINTS: pushes may go to this machine or network (the tests' local push service). */
  allowPrivateEndpoints?: boolean;
};

// Retries of one push to one device: 1 s, 2 s, 4 s, … about a minute in all.
const DELIVER_ATTEMPTS = 6;
const DELIVER_BACKOFF_MS = 1_000;
// Messages stored within this long share one look-up of who can be pushed to. A busy node stores a
// batch every few milliseconds, each in a turn of its own, and a push waits NOTIFY_DELAY_MS anyway.
const GATHER_MS = 200;

/**
 * Push notifications, best effort. A stored message schedules one "decide" job per recipient and
 * room, NOTIFY_DELAY_MS later and deduplicated by that pair, so a burst of messages becomes one
 * notification and two nodes schedule it once. When the job runs, decideNotification applies the
 * rules; each device then gets its own "deliver" job, retried on its own. Nothing here can delay or
 * fail a send: messageStored returns at once and only logs what goes wrong.
 */
export class Notifier {
  // Messages stored in the last GATHER_MS: their recipients are looked up together.
  private pending: { message: ChatMessage; audience: string[] }[] = [];
  private gathering: NodeJS.Timeout | undefined;

  constructor(private readonly deps: NotifierDeps) {}

  start() {
    this.deps.queue.start((job) => this.run(job));
  }

  /** Schedules what is still gathering, then closes the queue. */
  async close() {
    clearTimeout(this.gathering);
    await this.scheduleAll().catch(logError);
    return this.deps.queue.close();
  }

  messageStored(message: ChatMessage, audience: string[]): void {
    if (message.kind === 'system' || audience.length === 0) return;
    if (this.pending.push({ message, audience }) === 1) {
      this.gathering = setTimeout(() => void this.scheduleAll().catch(logError), GATHER_MS);
      this.gathering.unref();
    }
  }

  /**
   * One query for every message gathered (a busy node stores thousands a second; one query each was
   * a large share of its CPU), and one job per recipient and room, however many messages it got.
   */
  private async scheduleAll() {
    const stored = this.pending;
    this.pending = [];
    if (stored.length === 0) return;
    // Only people with a live subscription can be pushed to: no job for everyone else.
    const subscribed = await pushableRecipients(this.deps, stored);
    const handleOf = new Map(subscribed.filter((row) => row.blockerIn === null).map(({ id, handle }) => [id, handle]));
    const jobs = new Map<string, NotifyJob>();
    for (const { message, audience } of stored) {
      for (const userId of audience) {
        const handle = handleOf.get(userId);
        if (handle === undefined || handle === message.sender) continue;
        jobs.set(`decide:${userId}:${message.roomId}`, { kind: 'decide', userId, roomId: message.roomId });
      }
    }
    for (const { id: userId, blockerIn: roomId } of subscribed) if (roomId !== null) jobs.set(`decide:${userId}:${roomId}`, { kind: 'decide', userId, roomId });
    await Promise.all(
      [...jobs].map(([key, job]) => this.deps.queue.schedule(job, { key, delayMs: this.deps.delayMs, attempts: 3, backoffMs: 1_000 })),
    );
  }

  private async run(job: NotifyJob) {
    const { db, views, vapid, queue } = this.deps;
    if (job.kind === 'deliver') {
      // Queued by a version before scopes (a payload fixed when decided): not sent, rather than stale.
      if (!job.scope) return;
      // What it says is worked out as it goes: a retry a minute later says what is true then.
      const payload = await composePush(db, job.scope, new Date());
      if (!payload) return;
      return deliverPush(db, vapid, { id: job.subscriptionId, userId: job.scope.userId }, payload, { allowPrivate: this.deps.allowPrivateEndpoints ?? false });
    }
    const decision = await decideNotification(db, job.userId, job.roomId, (userId, roomId) => views.viewing(userId, roomId));
    if (!decision) return;
    await Promise.all(
      decision.subscriptionIds.map((subscriptionId) =>
        queue.schedule(
          { kind: 'deliver', subscriptionId, scope: decision.scope },
          { key: `deliver:${subscriptionId}:${job.roomId}:${Date.now()}`, delayMs: 0, attempts: DELIVER_ATTEMPTS, backoffMs: DELIVER_BACKOFF_MS },
        ),
      ),
    );
  }
}

/**
 * Of the messages' audiences, those with a live session that has a push subscription; and of the
 * members who blocked a message's sender (left out of its audience: no `message:new`), the same, with
 * the room (`blockerIn`). Those get a decide job all the same: it accounts for the message without
 * pushing it (decideNotification leaves out blocked senders), as for anything the rules suppress;
 * without it, an unblock would let the next job push what was written during the block. One statement,
 * prepared on Postgres: at low rates every message pays this look-up, which Postgres took longer to
 * plan than to run.
 */
const pushableRecipients = ({ db, script }: Pick<NotifierDeps, 'db' | 'script'>, stored: { message: ChatMessage; audience: string[] }[]) => {
  // Each room and sender once: a busy batch holds many messages of few senders.
  const sent = [...new Map(stored.map(({ message }) => [`${message.roomId}\n${message.sender}`, message])).values()];
  return queryPrepared<{ id: string; handle: string; blockerIn: string | null }>(db, script, prepared('relay_pushable_users', Prisma.sql`
    WITH blockers AS (
      SELECT DISTINCT m.room_id, rm."userId"
      FROM unnest(${sent.map((message) => message.roomId)}::text[], ${sent.map((message) => message.sender)}::text[]) AS m(room_id, sender)
      JOIN "User" s ON s."handle" = m.sender
      JOIN "Block" b ON b."blockedId" = s."id"
      JOIN "RoomMember" rm ON rm."roomId" = m.room_id AND rm."userId" = b."blockerId"
    ), candidates AS (
      SELECT DISTINCT unnest(${[...new Set(stored.flatMap(({ audience }) => audience))]}::text[]) AS id, NULL::text AS blocker_in
      UNION ALL SELECT "userId", room_id FROM blockers
    )
    SELECT u."id", u."handle", c.blocker_in AS "blockerIn" FROM candidates c JOIN "User" u ON u."id" = c.id
    WHERE EXISTS (
      -- A subscription is its session's user's (push-subscriptions.ts): found by its user, then checked.
      SELECT 1 FROM "PushSubscription" p JOIN "DeviceSession" s ON s."id" = p."sessionId"
      WHERE p."userId" = u."id" AND s."userId" = u."id" AND s."revokedAt" IS NULL
    )`));
};

const logError = (error: unknown) => log().error({ err: errorReason(error) }, 'notify failed');
