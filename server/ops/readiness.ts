import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/generated/client';
import { errorReason } from '../db/errors';
import { readMigrations } from '../db/migrate';

export type ReadinessCheck = { ok: boolean; error?: string };
export type Readiness = { ready: boolean; checks: { database: ReadinessCheck; migrations: ReadinessCheck; redis: ReadinessCheck } };

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

const outcome = async (check: () => Promise<unknown>): Promise<ReadinessCheck> => {
  try {
    await within(check(), 5_000);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorReason(error).slice(0, 200) };
  }
};

/** Whether this node can serve: the database answers with every migration applied, and Redis (if configured) answers. */
export async function checkReadiness(db: PrismaClient, redis: Redis | null): Promise<Readiness> {
  const [database, migrations, redisCheck] = await Promise.all([
    outcome(() => db.$queryRaw`SELECT 1`),
    outcome(async () => {
      const rows = await db.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const applied = new Set(rows.map((row) => row.migration_name));
      const missing = readMigrations().filter((migration) => !applied.has(migration.name));
      if (missing.length) throw new Error(`not applied: ${missing.map((migration) => migration.name).join(', ')}`);
    }),
    // Not connected: say so now. A PING would wait in ioredis' offline queue for the whole bound, and stay there.
    redis ? outcome(() => (redis.status === 'ready' ? redis.ping() : Promise.reject(new Error(`Redis is not connected (${redis.status})`)))) : Promise.resolve({ ok: true }),
  ]);
  return { ready: database.ok && migrations.ok && redisCheck.ok, checks: { database, migrations, redis: redisCheck } };
}
