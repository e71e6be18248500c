import { Redis } from 'ioredis';
import { log } from './ops/logger';
import { metrics } from './ops/metrics';

export type RedisConnections = { pub: Redis; sub: Redis; close: () => Promise<void> };

/** Two connections: one for commands and publishing, one held in subscriber mode by the adapter. */
export async function openRedis(url: string): Promise<RedisConnections> {
  const pub = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) reportRedisErrors(client);
  // ioredis rejects with "Connection is closed."; why is in the error event before it.
  let reason: string | undefined;
  pub.once('error', (error) => (reason ??= error.message));
  await Promise.all([pub.connect(), sub.connect()]).catch((error: Error) => {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`REDIS_URL: could not connect to Redis (${reason ?? error.message})`);
  });
  return {
    pub,
    sub,
    close: async () => {
      await Promise.all([closeRedis(pub), closeRedis(sub)]);
    },
  };
}

/** Every Redis client's errors (ours and the notification queue's): counted, and logged as one JSON line. */
export function reportRedisErrors(client: Redis) {
  client.on('error', (error) => {
    metrics().redisErrors.inc();
    log().error({ err: error.message }, 'redis error');
  });
}

/** QUIT when connected; otherwise drop it: a QUIT waits in the offline queue for a Redis that may not come back. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => {});
  else client.disconnect();
}
