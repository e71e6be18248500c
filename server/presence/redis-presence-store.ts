import type { Redis } from 'ioredis';
import type { AnnouncedStatus, PresenceStore } from './presence-store';

const connectionsKey = (userId: string) => `relay:presence:conns:${userId}`;
// Hash: status (what peers were last told), lastSeen (while offline), leftAt (latest disconnect).
const stateKey = (userId: string) => `relay:presence:state:${userId}`;
// Every user with connections, scored by their latest expiry: lapsed users sort first.
const USERS_KEY = 'relay:presence:users';
// An offline user's state is only needed to avoid announcing "offline" twice.
const OFFLINE_STATE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

// KEYS: connections, state. ARGV: connectionId, leftAt.
const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[2], 'leftAt') or '0') then
  redis.call('HSET', KEYS[2], 'leftAt', ARGV[2])
end
return 1`;

// KEYS: connections, users, state. ARGV: userId, now, seenAt, offline state ttl.
// Scripts run atomically: no connect can slip between "none live" and "offline".
const SETTLE_OFFLINE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) > 0 then return false end
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], 'status') == 'offline' then return false end
local seen = string.format('%d', math.max(tonumber(ARGV[3]), tonumber(redis.call('HGET', KEYS[3], 'leftAt') or '0')))
redis.call('HSET', KEYS[3], 'status', 'offline', 'lastSeen', seen)
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return seen`;

type PresenceScripts = {
  relayPresenceLeave(connections: string, state: string, connectionId: string, leftAt: number): Promise<unknown>;
  relayPresenceSettle(connections: string, users: string, state: string, userId: string, now: number, seenAt: number, ttl: number): Promise<string | null>;
};

/** Presence shared by every node: a sorted set of connection expiries per user. */
export class RedisPresenceStore implements PresenceStore {
  private readonly scripts: PresenceScripts;

  constructor(private readonly redis: Redis) {
    redis.defineCommand('relayPresenceLeave', { numberOfKeys: 2, lua: LEAVE });
    redis.defineCommand('relayPresenceSettle', { numberOfKeys: 3, lua: SETTLE_OFFLINE });
    this.scripts = redis as unknown as PresenceScripts;
  }

  async connect(userId: string, connectionId: string, expiresAt: number) {
    // MULTI is atomic too: the connection and "online" land together.
    const results = await this.redis
      .multi()
      .zadd(connectionsKey(userId), expiresAt, connectionId)
      .zadd(USERS_KEY, 'GT', expiresAt, userId) // GT still adds a missing member
      .hget(stateKey(userId), 'status')
      .hset(stateKey(userId), 'status', 'online')
      .hdel(stateKey(userId), 'lastSeen')
      .persist(stateKey(userId))
      .exec();
    const previous = results?.[2]?.[1];
    return previous === 'online' || previous === 'offline' ? previous : null;
  }

  async disconnect(userId: string, connectionId: string, leftAt: number) {
    await this.scripts.relayPresenceLeave(connectionsKey(userId), stateKey(userId), connectionId, leftAt);
  }

  async refresh(connections: { userId: string; connectionId: string }[], expiresAt: number) {
    if (connections.length === 0) return [];
    const batch = this.redis.multi();
    for (const { userId, connectionId } of connections) {
      // XX: a connection removed meanwhile stays removed. CH counts an updated score, so 0 means "not there".
      batch.zadd(connectionsKey(userId), 'XX', 'CH', expiresAt, connectionId);
      batch.zadd(USERS_KEY, 'GT', expiresAt, userId);
    }
    const results = (await batch.exec()) ?? [];
    return connections.filter((_, index) => Number(results[index * 2]?.[1] ?? 0) === 0).map(({ connectionId }) => connectionId);
  }

  async liveCount(userId: string, now: number) {
    const results = await this.redis
      .multi()
      .zremrangebyscore(connectionsKey(userId), '-inf', now)
      .zcard(connectionsKey(userId))
      .exec();
    return Number(results?.[1]?.[1] ?? 0);
  }

  async lapsedUsers(now: number, limit: number) {
    const flat = await this.redis.zrangebyscore(USERS_KEY, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
    const lapsed: { userId: string; lapsedAt: number }[] = [];
    for (let index = 0; index < flat.length; index += 2) lapsed.push({ userId: flat[index], lapsedAt: Number(flat[index + 1]) });
    return lapsed;
  }

  async settleOffline(userId: string, now: number, seenAt: number) {
    const seen = await this.scripts.relayPresenceSettle(
      connectionsKey(userId),
      USERS_KEY,
      stateKey(userId),
      userId,
      now,
      Math.round(seenAt),
      OFFLINE_STATE_TTL_MS,
    );
    return seen === null ? null : Number(seen);
  }

  async announced(userId: string) {
    const [status, lastSeen] = await this.redis.hmget(stateKey(userId), 'status', 'lastSeen');
    if (status !== 'online' && status !== 'offline') return null;
    return { status: status as AnnouncedStatus, lastSeen: lastSeen ? Number(lastSeen) : null };
  }

  async tryLock(name: string, ttlMs: number) {
    return (await this.redis.set(`relay:lock:${name}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
