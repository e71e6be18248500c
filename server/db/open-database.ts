import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import type { DatabaseEnv } from '../env';
import { PrismaClient } from './generated/client';
import { lockDataDir } from './data-dir-lock';
import { migrate } from './migrate';
import { poolTransactionScript, type TransactionScript } from './transaction-script';

/** `script`: one round trip per transaction, where the database allows it (transaction-script.ts). */
export type Database = { db: PrismaClient; kind: 'postgres' | 'pglite'; script: TransactionScript | null; close: () => Promise<void> };

/** Opens Postgres when DATABASE_URL is set, otherwise the embedded PGlite in DATA_DIR; migrates first. */
export async function openDatabase(env: DatabaseEnv): Promise<Database> {
  if (env.DATABASE_URL) return openPostgres(env.DATABASE_URL, env.DATABASE_QUERY_TIMEOUT_MS);
  return openPglite(path.join(env.DATA_DIR, 'pglite'));
}

async function openPostgres(connectionString: string, timeoutMs: number): Promise<Database> {
  // A dedicated connection holds the advisory lock for the whole run.
  const client = new pg.Client({ connectionString });
  await client.connect().catch((error: Error) => {
    throw new Error(`DATABASE_URL: could not connect to Postgres (${error.message})`);
  });
  try {
    await migrate({ query: (sql, params) => client.query(sql, params), exec: (sql) => client.query(sql) });
  } finally {
    await client.end();
  }
  // Bounded: a query or a connect that gets no answer fails (as `unavailable`, server/db/errors.ts), and the
  // pool drops that connection; TCP keep-alive finds a dead peer under an idle one. Without these a
  // partition held every request, and the pool's connections, for as long as the kernel took to give up.
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, keepAlive: true });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { db, kind: 'postgres', script: poolTransactionScript(pool), close: async () => { await db.$disconnect(); await pool.end().catch(() => {}); } };
}

async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(path.dirname(dataDir));
  try {
    const pglite = await PGlite.create(dataDir);
    await migrate({ query: (sql, params) => pglite.query(sql, params), exec: (sql) => pglite.exec(sql) });
    const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const close = async () => {
      await db.$disconnect();
      await pglite.close();
      unlock();
    };
    // PGlite is one session that Prisma's adapter shares out: a script of our own could land inside
    // another transaction of Prisma's.
    return { db, kind: 'pglite', script: null, close };
  } catch (error) {
    unlock();
    throw error;
  }
}
