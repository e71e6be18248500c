import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { log } from '../ops/logger';

/** The little a migration runner needs from a connection; both node-postgres and PGlite fit. */
export type SqlConnection = {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  exec: (sql: string) => Promise<unknown>;
};

// Same table and lock key as `prisma migrate deploy`, so either tool can take over from the other.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export const defaultMigrationsDir = () => path.join(process.cwd(), 'prisma', 'migrations');

// The directory is only known at run time: untraced (turbopackIgnore), or the build would trace the whole
// project (the data directory's secret and uploads with it) as needed by every route that imports this.
export function readMigrations(dir = defaultMigrationsDir()) {
  return readdirSync(/* turbopackIgnore: true */ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/* turbopackIgnore: true */ path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies pending migrations in order, each in its own transaction, under Prisma's advisory lock. */
export async function migrate(connection: SqlConnection, dir = defaultMigrationsDir()): Promise<string[]> {
  const applied: string[] = [];
  await connection.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
  try {
    await connection.exec(CREATE_MIGRATIONS_TABLE);
    const { rows } = await connection.query(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((row) => [String(row.migration_name), String(row.checksum)]));
    for (const migration of readMigrations(dir)) {
      const knownChecksum = done.get(migration.name);
      if (knownChecksum !== undefined) {
        if (knownChecksum !== migration.checksum) {
          log().warn({ migration: migration.name }, 'migration was edited after it was applied');
        }
        continue;
      }
      await applyOne(connection, migration);
      applied.push(migration.name);
    }
  } finally {
    await connection.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
  }
  return applied;
}

async function applyOne(connection: SqlConnection, migration: { name: string; sql: string; checksum: string }) {
  await connection.exec('BEGIN');
  try {
    await connection.exec(migration.sql);
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await connection.exec('COMMIT');
  } catch (error) {
    await connection.exec('ROLLBACK');
    throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
}
