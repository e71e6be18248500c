import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PrismaClient } from '@/server/db/generated/client';
import { TEST_DATABASE_URL } from './services';

/**
 * A Prisma client on the test Postgres (open for the file's tests) that records the SQL of every
 * statement it sends, as Prisma logs them (its transactions' BEGIN is not among them), and, in
 * `sent`, each with its parameters (so a test can replay one under EXPLAIN).
 */
export function useCountedStatements() {
  const counted = { statements: [] as string[], sent: [] as { sql: string; params: unknown[] }[], db: undefined as unknown as PrismaClient };
  let pool: pg.Pool | undefined;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    const client = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
    client.$on('query', (event) => {
      counted.statements.push(event.query);
      counted.sent.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] });
    });
    counted.db = client as unknown as PrismaClient;
  });
  afterAll(async () => {
    await counted.db?.$disconnect();
    await pool?.end();
  });
  return counted;
}
