import { describe, expect, it } from 'vitest';
import { MemoryPresenceStore } from '@/server/presence/presence-store';
import { MemoryFailureLedger } from '@/server/safety/failure-ledger';
import { MemoryTokenBuckets } from '@/server/safety/token-bucket';

// Single-node mode keeps rate limits and presence in this process: what is idle must not stay forever.
describe('in-memory state is evicted when idle', () => {
  it('drops token buckets that have refilled, keeping the ones still in use', async () => {
    let now = 1_000_000;
    const buckets = new MemoryTokenBuckets(() => now);
    const rule = { ratePerMs: 1 / 1000, burst: 5 };
    for (let index = 0; index < 5000; index += 1) await buckets.take(`user-${index}`, rule);
    // A bucket still draining keeps its state: five takes empty it, and the sixth is refused.
    for (let index = 0; index < 5; index += 1) await buckets.take('busy', rule);
    now += 10_000;
    for (let index = 0; index < 3; index += 1) await buckets.take('busy', rule);
    for (let index = 0; index < 5000; index += 1) await buckets.take(`later-${index}`, rule);
    expect(buckets.size).toBeLessThan(6000);
    now += 1;
    // The busy bucket kept its count: refilled to 5 by the 10 s, three taken since.
    expect((await buckets.take('busy', rule)).allowed).toBe(true);
    expect((await buckets.take('busy', rule)).allowed).toBe(true);
    expect((await buckets.take('busy', rule)).allowed).toBe(false);
  });

  it('drops failed sign-in records once forgotten', async () => {
    let now = 0;
    const ledger = new MemoryFailureLedger(() => now);
    const rule = { free: 1, baseMs: 1000, maxMs: 60_000 };
    for (let index = 0; index < 3000; index += 1) await ledger.fail(`addr-${index}`, rule);
    now += 16 * 60_000;
    for (let index = 0; index < 3000; index += 1) await ledger.fail(`next-${index}`, rule);
    expect(ledger.size).toBeLessThanOrEqual(3000);
  });

  it('forgets users offline for a while, not those online', async () => {
    const store = new MemoryPresenceStore();
    const now = 1_000_000;
    for (let index = 0; index < 100; index += 1) {
      await store.connect(`u${index}`, `c${index}`, now + 1000);
      await store.disconnect(`u${index}`, `c${index}`, now);
      await store.settleOffline(`u${index}`, now + 2000, now);
    }
    await store.connect('online', 'c-online', now + 60 * 60_000);
    expect(store.size).toBe(101);
    await store.lapsedUsers(now + 11 * 60_000, 100);
    expect(store.size).toBe(1);
    expect(await store.announced('online')).toMatchObject({ status: 'online' });
    expect(await store.liveCount('online', now + 11 * 60_000)).toBe(1);
  });
});
