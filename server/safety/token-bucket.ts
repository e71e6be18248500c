import type { Redis } from 'ioredis';

export type BucketRule = { ratePerMs: number; burst: number };
export type BucketResult = { allowed: boolean; retryAfterMs: number };

/** Takes one token from the named bucket, or says how long until one is there. */
export interface TokenBuckets {
  take(key: string, rule: BucketRule): Promise<BucketResult>;
  /** Gives a token taken for nothing back (never above the burst). */
  give(key: string, rule: BucketRule): Promise<void>;
}

// Refill and take in one atomic step on the Redis server's clock, so every node agrees. Takes from
// each key in turn (KEYS[i] with rate ARGV[2i-1] and burst ARGV[2i]), so a key named twice gives twice.
const TAKE_MANY_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local replies = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  local allowed = 0
  local retry = 0
  if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
  else
    retry = math.ceil((1 - tokens) / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', key, math.ceil(burst / rate) + 1000)
  replies[2 * i - 1] = allowed
  replies[2 * i] = retry
end
return replies`;

// A bucket that expired meanwhile is full already: nothing to give back then.
const GIVE_SCRIPT = `
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1))) end
return 1`;

const REDIS_WAIT_MS = 1_000;

/** The value, or null when it takes longer than `ms` (a late rejection is swallowed). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

type Take = { key: string; rule: BucketRule; resolve: (result: BucketResult) => void };
type TakingRedis = Redis & { takeTokens(...keysThenArgs: (string | number)[]): Promise<number[]> };

export class RedisTokenBuckets implements TokenBuckets {
  // While Redis is away (restarting, unreachable) each node limits on its own instead of holding every
  // send until Redis is back: messages are still stored and acknowledged during the outage.
  private readonly fallback = new MemoryTokenBuckets();
  private readonly redis: TakingRedis;
  // Takes asked for in this turn of the event loop: they go to Redis together, as one script call.
  private pending: Take[] = [];

  constructor(redis: Redis) {
    // Sent by its hash (EVALSHA) once Redis has seen it, not as a whole script every time.
    redis.defineCommand('takeTokens', { lua: TAKE_MANY_SCRIPT });
    this.redis = redis as TakingRedis;
  }

  take(key: string, rule: BucketRule): Promise<BucketResult> {
    return new Promise((resolve) => {
      if (this.pending.push({ key, rule, resolve }) === 1) setImmediate(() => void this.takeAll());
    });
  }

  /** One Redis call for every take of the turn; each still gets its own answer. */
  private async takeAll() {
    const takes = this.pending;
    this.pending = [];
    const reply = this.redis.status === 'ready' ? await withinMs(this.callTakeTokens(takes), REDIS_WAIT_MS) : null;
    for (const [index, take] of takes.entries()) {
      if (!reply) take.resolve(await this.fallback.take(take.key, take.rule));
      else take.resolve({ allowed: reply[2 * index] === 1, retryAfterMs: reply[2 * index + 1] });
    }
  }

  // Redis can die with this call under way (ioredis then holds it until Redis is back): not waited for.
  private callTakeTokens(takes: Take[]) {
    const keys = takes.map((take) => `relay:bucket:${take.key}`);
    const args = takes.flatMap((take) => [take.rule.ratePerMs, take.rule.burst]);
    return this.redis.takeTokens(keys.length, ...keys, ...args);
  }

  async give(key: string, rule: BucketRule): Promise<void> {
    if (this.redis.status !== 'ready') return this.fallback.give(key, rule);
    await withinMs(this.redis.eval(GIVE_SCRIPT, 1, `relay:bucket:${key}`, rule.burst), REDIS_WAIT_MS);
  }
}

/**
 * One node, no Redis: the same buckets in this process. A bucket that has refilled is the same as none,
 * so those are dropped as the map grows (one per user or address ever seen would never shrink).
 */
export class MemoryTokenBuckets implements TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number; fullAt: number }>();
  private sizeAfterSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, rule: BucketRule): Promise<BucketResult> {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now, fullAt: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + (now - bucket.at) * rule.ratePerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    bucket.fullAt = now + Math.ceil((rule.burst - bucket.tokens) / rule.ratePerMs);
    return allowed ? { allowed, retryAfterMs: 0 } : { allowed, retryAfterMs: Math.ceil((1 - bucket.tokens) / rule.ratePerMs) };
  }

  async give(key: string, rule: BucketRule): Promise<void> {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(rule.burst, bucket.tokens + 1);
  }

  get size() {
    return this.buckets.size;
  }

  // Amortised: a pass over the map only once it has doubled since the last one.
  private sweep(now: number) {
    if (this.buckets.size < Math.max(1024, this.sizeAfterSweep * 2)) return;
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key);
    this.sizeAfterSweep = this.buckets.size;
  }
}
