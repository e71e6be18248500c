import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryPresenceStore, type PresenceStore } from '@/server/presence/presence-store';
import { RedisPresenceStore } from '@/server/presence/redis-presence-store';
import { TEST_REDIS_URL } from '../helpers/services';

// The same contract for both stores; the Redis one on real Redis, with two connections standing in
// for two nodes, since atomicity across nodes is the point.
const connections: Redis[] = [];
function redisStores(): [PresenceStore, PresenceStore] {
  const [a, b] = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
  connections.push(a, b);
  return [new RedisPresenceStore(a), new RedisPresenceStore(b)];
}
function memoryStores(): [PresenceStore, PresenceStore] {
  const store = new MemoryPresenceStore();
  return [store, store];
}

const users: string[] = [];
const newUser = () => {
  const user = `test-user-${randomBytes(6).toString('hex')}`;
  users.push(user);
  return user;
};

afterAll(async () => {
  const [redis] = connections;
  if (redis) {
    // The tests' connections expire in an hour; leave nothing behind for a sweeper to find.
    const keys = users.flatMap((user) => [`relay:presence:conns:${user}`, `relay:presence:state:${user}`]);
    await redis.multi().del(...keys).zrem('relay:presence:users', ...users).exec();
  }
  await Promise.all(connections.map((connection) => connection.quit()));
});
const HOUR = 3_600_000;
// Lets the other side's commands get ahead by a random number of turns of the event loop.
const jitter = async () => {
  for (let turns = Math.floor(Math.random() * 4); turns > 0; turns -= 1) await new Promise((resolve) => setImmediate(resolve));
};

describe.each([
  ['memory', memoryStores],
  ['redis', redisStores],
] as const)('%s presence store', (_name, makeStores) => {
  it('reports the previous status on connect, and settles offline only once nobody is connected', async () => {
    const [store] = makeStores();
    const user = newUser();
    const now = Date.now();
    expect(await store.connect(user, 'c1', now + HOUR)).toBeNull();
    expect(await store.connect(user, 'c2', now + HOUR)).toBe('online');
    expect(await store.announced(user)).toEqual({ status: 'online', lastSeen: null });

    await store.disconnect(user, 'c1', now + 10);
    expect(await store.settleOffline(user, now + 20, now + 10)).toBeNull();
    expect(await store.announced(user)).toEqual({ status: 'online', lastSeen: null });

    await store.disconnect(user, 'c2', now + 30);
    // Last seen is the last disconnect, even when an earlier one's timer settles.
    expect(await store.settleOffline(user, now + 40, now + 10)).toBe(now + 30);
    expect(await store.announced(user)).toEqual({ status: 'offline', lastSeen: now + 30 });
    // Announced once: the later timer finds nothing to do.
    expect(await store.settleOffline(user, now + 50, now + 30)).toBeNull();
    expect(await store.connect(user, 'c3', now + HOUR)).toBe('offline');
    expect(await store.announced(user)).toEqual({ status: 'online', lastSeen: null });
  });

  it('lets lapsed connections go: the sweep lists the user until they are settled', async () => {
    const [store] = makeStores();
    const user = newUser();
    const now = Date.now();
    await store.connect(user, 'c1', now + 100);
    expect(await store.liveCount(user, now)).toBe(1);
    expect((await store.lapsedUsers(now, 100_000)).some((entry) => entry.userId === user)).toBe(false);
    expect(await store.lapsedUsers(now + 100, 100_000)).toContainEqual({ userId: user, lapsedAt: now + 100 });
    expect(await store.liveCount(user, now + 100)).toBe(0);

    expect(await store.settleOffline(user, now + 150, now + 100 - 60)).toBe(now + 40);
    expect((await store.lapsedUsers(now + HOUR, 100_000)).some((entry) => entry.userId === user)).toBe(false);
  });

  it('keeps a refreshed connection live and does not revive a removed one', async () => {
    const [store] = makeStores();
    const user = newUser();
    const now = Date.now();
    await store.connect(user, 'c1', now + 100);
    await store.connect(user, 'c2', now + 100);
    await store.disconnect(user, 'c2', now);
    await store.refresh([{ userId: user, connectionId: 'c1' }, { userId: user, connectionId: 'c2' }], now + 1_000);
    expect(await store.liveCount(user, now + 500)).toBe(1);
    expect(await store.settleOffline(user, now + 500, now)).toBeNull();
  });

  // A connect on one node racing the offline settlement on another: whatever the interleaving, a user
  // with a live connection ends up announced online, and if the settlement did announce offline the
  // connect saw it (so it announces online after it).
  it('never leaves a connected user announced offline when a connect races a settlement', async () => {
    const [nodeA, nodeB] = makeStores();
    for (let round = 0; round < 150; round += 1) {
      const user = newUser();
      const now = Date.now();
      await nodeA.connect(user, 'on-a', now + HOUR);
      await nodeA.disconnect(user, 'on-a', now);
      const [settled, previous] = await Promise.all([
        jitter().then(() => nodeA.settleOffline(user, Date.now(), now)),
        jitter().then(() => nodeB.connect(user, 'on-b', Date.now() + HOUR)),
      ]);
      expect((await nodeA.announced(user))?.status).toBe('online');
      expect(previous).toBe(settled === null ? 'online' : 'offline');
    }
  });
});
