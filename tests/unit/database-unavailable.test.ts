import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { PrismaClient } from '@/server/db/generated/client';
import { asUnavailable, isDatabaseUnavailable } from '@/server/db/errors';

// Postgres on a Unix socket (`?host=/var/run/postgresql`): stopped, its socket file is gone, and connecting
// fails with ENOENT, not ECONNREFUSED. That is an outage (503, retried), not a bug (500 `internal`).
describe('a database on a Unix socket that is stopped', () => {
  it('is unavailable, through Prisma and through pg itself; a missing file is not', async () => {
    const socketDir = mkdtempSync(path.join(tmpdir(), 'relay-nopg-'));
    const connectionString = `postgres://relay@${encodeURIComponent(socketDir)}/relay`;
    const pool = new pg.Pool({ connectionString });
    const db = new PrismaClient({ adapter: new PrismaPg(pool) });
    const viaPrisma = await db.$queryRaw`SELECT 1`.catch((error: unknown) => error);
    const viaPg = await pool.query('SELECT 1').catch((error: unknown) => error);
    await pool.end();

    for (const error of [viaPrisma, viaPg]) {
      expect(String((error as Error).message)).toContain('connect ENOENT');
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(asUnavailable(error)).toBeInstanceOf(AppError);
    }
    const missingFile = await readFile(path.join(socketDir, 'no-such-attachment')).catch((error: unknown) => error);
    expect(isDatabaseUnavailable(missingFile)).toBe(false);
  });
});
