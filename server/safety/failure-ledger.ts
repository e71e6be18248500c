import type { Redis } from 'ioredis';

/** After `free` failures, each further one locks for `baseMs` doubled per failure, up to `maxMs`. */
export type BackoffRule = { free: number; baseMs: number; maxMs: number };

/**
 * Failures counted per key, with a lock that doubles as they go on. Only failures are written: what
 * a key has to fear is its own misses, never anyone's successes.
 */
export interface FailureLedger {
  /** How long the key is still locked (0: not locked). */
  lockedFor(key: string): Promise<number>;
  fail(key: string, rule: BackoffRule): Promise<void>;
  clear(key: string): Promise<void>;
}

// A record lives this long after its last failure (or its lock, if longer), then counting starts afresh.
const FORGET_AFTER_MS = 15 * 60_000;

export const lockMs = (failures: number, rule: BackoffRule) =>
  failures <= rule.free ? 0 : Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(30, failures - rule.free - 1));

const FAIL_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
local free, base, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lock = 0
if count > free then lock = math.min(max, base * 2 ^ math.min(30, count - free - 1)) end
redis.call('HSET', KEYS[1], 'until', now + lock)
redis.call('PEXPIRE', KEYS[1], math.max(lock, tonumber(ARGV[4])))
return 1`;

const LOCKED_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'until')) or 0
return math.max(0, lockedUntil - now)`;

export class RedisFailureLedger implements FailureLedger {
  constructor(private readonly redis: Redis) {}

  async lockedFor(key: string) {
    return Number(await this.redis.eval(LOCKED_SCRIPT, 1, `relay:fail:${key}`));
  }

  async fail(key: string, rule: BackoffRule) {
    await this.redis.eval(FAIL_SCRIPT, 1, `relay:fail:${key}`, rule.free, rule.baseMs, rule.maxMs, FORGET_AFTER_MS);
  }

  async clear(key: string) {
    await this.redis.del(`relay:fail:${key}`);
  }
}

/** One node, no Redis: the same ledger in this process; records are dropped once forgotten. */
export class MemoryFailureLedger implements FailureLedger {
  private records = new Map<string, { count: number; until: number; forgetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async lockedFor(key: string) {
    const record = this.live(key);
    return record ? Math.max(0, record.until - this.now()) : 0;
  }

  async fail(key: string, rule: BackoffRule) {
    const now = this.now();
    const count = (this.live(key)?.count ?? 0) + 1;
    const lock = lockMs(count, rule);
    this.records.set(key, { count, until: now + lock, forgetAt: now + Math.max(lock, FORGET_AFTER_MS) });
    this.sweep(now);
  }

  async clear(key: string) {
    this.records.delete(key);
  }

  get size() {
    return this.records.size;
  }

  private live(key: string) {
    const record = this.records.get(key);
    if (record && record.forgetAt <= this.now()) this.records.delete(key);
    return this.records.get(key);
  }

  // Amortised: a full pass only when the map has doubled since the last one.
  private sweptAt = 0;
  private sweep(now: number) {
    if (this.records.size < Math.max(1024, this.sweptAt * 2)) return;
    for (const [key, record] of this.records) if (record.forgetAt <= now) this.records.delete(key);
    this.sweptAt = this.records.size;
  }
}
