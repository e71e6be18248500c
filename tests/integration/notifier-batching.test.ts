import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { poolTransactionScript } from '@/server/db/transaction-script';
import { MemoryJobQueue, type NotifyJob } from '@/server/notifications/job-queue';
import { Notifier } from '@/server/notifications/notifier';
import { insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';
import { watchDb } from '../helpers/watched-db';

// The notifier on the real database: what a busy node stores within a gathering window (many turns)
// costs one look-up of who can be pushed to, and one "decide" job per recipient and room, however many
// messages it got.
const database = useTestDatabase();
const userIds = database.userIds;

const message = (roomId: string, sender: string, seq: number): ChatMessage =>
  ({ id: randomUUID(), roomId, seq, clientMsgId: `c${seq}`, sender, body: `m${seq}`, kind: 'text', createdAt: new Date().toISOString() }) as ChatMessage;

describe('Notifier', () => {
  it('looks up the recipients of the messages stored together once and schedules one job per recipient and room', async () => {
    const db = database.db;
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id);
    // Bob has a browser that can be pushed to; Carol has none.
    const session = await db.deviceSession.create({ data: { userId: bob.id } });
    await db.pushSubscription.create({ data: { userId: bob.id, sessionId: session.id, endpoint: `https://push.invalid/${randomUUID()}`, p256dh: 'k', auth: 'a' } });

    const watched = watchDb(db);
    const queue = new MemoryJobQueue();
    const jobs: NotifyJob[] = [];
    queue.start(async (job) => void jobs.push(job));
    const notifier = new Notifier({ db: watched.db, queue, views: undefined as never, vapid: undefined as never, delayMs: 0 });
    const audience = [alice.id, bob.id, carol.id];
    // Twenty messages from Alice in two rooms, each stored in a turn of its own as a busy node's batches
    // are, and one from Bob (not pushed to himself).
    for (let seq = 1; seq <= 20; seq++) {
      notifier.messageStored(message(seq % 2 ? 'room-1' : 'room-2', alice.handle, seq), audience);
      await new Promise((resolve) => setImmediate(resolve));
    }
    notifier.messageStored(message('room-3', bob.handle, 21), audience);

    // The sentinel: a message of a later turn, whose job comes after any of the first turn's.
    await new Promise((resolve) => setImmediate(resolve));
    await waitFor(() => jobs.length >= 2, 5_000, "the first turn's jobs");
    notifier.messageStored(message('room-4', alice.handle, 22), audience);
    await waitFor(() => jobs.some((job) => job.kind === 'decide' && job.roomId === 'room-4'), 5_000, 'the sentinel job');

    expect(jobs).toEqual([
      { kind: 'decide', userId: bob.id, roomId: 'room-1' },
      { kind: 'decide', userId: bob.id, roomId: 'room-2' },
      { kind: 'decide', userId: bob.id, roomId: 'room-4' },
    ]);
    // One look-up for the first 21 messages, then the sentinel's.
    expect(watched.count('$queryRaw')).toBe(2);
    await queue.close();
  });

  it('looks recipients up through a transaction script (Postgres): the same jobs, the look-up planned once per connection', async () => {
    const db = database.db;
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id, dave.id);
    // Bob can be pushed to; carol's only subscription is on a revoked session; dave has none.
    const live = await db.deviceSession.create({ data: { userId: bob.id } });
    const revoked = await db.deviceSession.create({ data: { userId: carol.id, revokedAt: new Date() } });
    await db.pushSubscription.createMany({
      data: [
        { userId: bob.id, sessionId: live.id, endpoint: `https://push.invalid/${randomUUID()}`, p256dh: 'k', auth: 'a' },
        { userId: carol.id, sessionId: revoked.id, endpoint: `https://push.invalid/${randomUUID()}`, p256dh: 'k', auth: 'a' },
      ],
    });
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    const watched = watchDb(db);
    const queue = new MemoryJobQueue();
    const jobs: NotifyJob[] = [];
    queue.start(async (job) => void jobs.push(job));
    const notifier = new Notifier({ db: watched.db, script: poolTransactionScript(pool), queue, views: undefined as never, vapid: undefined as never, delayMs: 0 });
    try {
      // Three gatherings, one after another, each waited for by its job.
      for (const roomId of ['room-a', 'room-b', 'room-c']) {
        notifier.messageStored(message(roomId, alice.handle, 1), [alice.id, bob.id, carol.id, dave.id]);
        await waitFor(() => jobs.some((job) => job.kind === 'decide' && job.roomId === roomId), 5_000, `the job for ${roomId}`);
      }
      expect(jobs).toEqual(['room-a', 'room-b', 'room-c'].map((roomId) => ({ kind: 'decide', userId: bob.id, roomId })));
      expect(watched.calls).toEqual([]);
      const { rows } = await pool.query('SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements');
      expect(rows).toEqual([{ name: 'relay_pushable_users', generic_plans: 3, custom_plans: 0 }]);
    } finally {
      await queue.close();
      await pool.end();
    }
  });

  it('schedules what is still gathering when it closes', async () => {
    const db = database.db;
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id);
    const session = await db.deviceSession.create({ data: { userId: bob.id } });
    await db.pushSubscription.create({ data: { userId: bob.id, sessionId: session.id, endpoint: `https://push.invalid/${randomUUID()}`, p256dh: 'k', auth: 'a' } });
    const scheduled: NotifyJob[] = [];
    const queue = new MemoryJobQueue();
    const recording = Object.assign(Object.create(queue) as MemoryJobQueue, {
      schedule: (job: NotifyJob, options: Parameters<MemoryJobQueue['schedule']>[1]) => (scheduled.push(job), queue.schedule(job, options)),
    });
    const notifier = new Notifier({ db, queue: recording, views: undefined as never, vapid: undefined as never, delayMs: 60_000 });
    notifier.start();
    notifier.messageStored(message('room-9', alice.handle, 1), [alice.id, bob.id]);
    await notifier.close();
    expect(scheduled).toEqual([{ kind: 'decide', userId: bob.id, roomId: 'room-9' }]);
  });
});
