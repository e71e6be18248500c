import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenBuckets } from '@/server/safety/token-bucket';
import { throwawayRedis } from '../helpers/throwaway-redis';

// The shared buckets on a real Redis of this file's own (so its command counts are ours alone): every
// take of one event-loop turn goes as one script call, and each still gets the answer it would alone.
const server = throwawayRedis(Number(process.env.BUCKETS_REDIS_PORT ?? 6462));
let redis: Redis;

beforeAll(async () => {
  await server.start();
  redis = new Redis(server.url);
  // Until the connection is ready the buckets limit in memory instead.
  await redis.ping();
});

afterAll(async () => {
  redis?.disconnect();
  await server.kill();
});

/** How many times clients called each command so far, from INFO commandstats. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  return Object.fromEntries([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(([, command, calls]) => [command, Number(calls)]));
}

const rule = { ratePerMs: 1 / 3_600_000, burst: 10 };

describe('RedisTokenBuckets', () => {
  it('answers a turn of takes with one Redis call, each take as if alone: the burst, then refusals with a wait', async () => {
    const buckets = new RedisTokenBuckets(redis);
    // The first call teaches Redis the script; after that it is called by hash.
    await buckets.take('warm-up', rule);
    const before = await commandCalls();

    const [flooded, other] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => buckets.take('flooded', rule))),
      Promise.all(Array.from({ length: 3 }, () => buckets.take('other', { ratePerMs: 1 / 1000, burst: 2 }))),
    ]);
    // In the order asked: the first ten get the tokens; the rest are told how long to wait.
    expect(flooded.map((result) => result.allowed)).toEqual(Array.from({ length: 30 }, (_, index) => index < 10));
    for (const refused of flooded.slice(10)) expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(other.map((result) => result.allowed)).toEqual([true, true, false]);
    expect(other[2].retryAfterMs).toBeLessThanOrEqual(1000);

    // One script call by hash for all 33 takes (besides the INFO that reads the counts).
    const after = await commandCalls();
    expect((after.evalsha ?? 0) - (before.evalsha ?? 0)).toBe(1);
    expect((after.eval ?? 0) - (before.eval ?? 0)).toBe(0);
    expect(after.hset - before.hset).toBe(33);
  });
});
