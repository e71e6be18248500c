import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '@/server/db/migrate';
import { TEST_DATABASE_URL } from '../helpers/services';

// Each run migrates a database of its own, created fresh here.
const databaseName = `relay_migrate_${process.pid}`;
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';
const targetUrl = new URL(TEST_DATABASE_URL);
targetUrl.pathname = `/${databaseName}`;

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const asConnection = (client: pg.Client) => ({
  query: (sql: string, params?: unknown[]) => client.query(sql, params),
  exec: (sql: string) => client.query(sql),
});

afterAll(async () => {
  await withClient(adminUrl.href, (admin) => admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
});

describe('migration runner', () => {
  it('applies each migration once even when two nodes start at the same moment, recorded as Prisma does', async () => {
    await withClient(adminUrl.href, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${databaseName}`);
    });
    const [first, second] = await Promise.all([
      withClient(targetUrl.href, (client) => migrate(asConnection(client))),
      withClient(targetUrl.href, (client) => migrate(asConnection(client))),
    ]);
    const expected = readMigrations().map((migration) => migration.name);
    expect([...first, ...second].sort()).toEqual(expected.sort());

    await withClient(targetUrl.href, async (client) => {
      const { rows } = await client.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows.map((row) => row.migration_name)).toEqual(expected);
      expect(rows.map((row) => row.checksum)).toEqual(readMigrations().map((migration) => migration.checksum));
      expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables.rows.map((row) => row.tablename)).toEqual(
        expect.arrayContaining(['DeviceSession', 'Message', 'Room', 'RoomMember', 'User', '_prisma_migrations']),
      );
      expect(await migrate(asConnection(client))).toEqual([]);
    });
  });

  it('rolls a failing migration back and leaves it unrecorded', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-bad-migration-'));
    mkdirSync(path.join(dir, '20990101000000_broken'));
    writeFileSync(path.join(dir, '20990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" (id INT);\nSELECT no_such_function();');
    await withClient(targetUrl.href, async (client) => {
      await expect(migrate(asConnection(client), dir)).rejects.toThrow(/20990101000000_broken failed/);
      const half = await client.query(`SELECT to_regclass('"Half"') AS name`);
      expect(half.rows[0].name).toBeNull();
      const recorded = await client.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20990101000000_broken'`);
      expect(recorded.rowCount).toBe(0);
    });
  });
});
