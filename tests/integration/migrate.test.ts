import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, readMigrations } from '@/server/db/migrate';
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

  // Added after a group began, a member was counted under the messages before them ("Read by 1 of 2" where
  // nobody had read it): the column that says where they came in is filled for the groups already there.
  it('fills in where existing members came into their groups (joinedSeq)', async () => {
    const { cpSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const all = readMigrations();
    // The migrations before it, and those up to it (later ones are not this test's).
    const upTo = (last: string, prefix: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      for (const migration of all.filter((migration) => migration.name <= last)) {
        cpSync(path.join(defaultMigrationsDir(), migration.name), path.join(dir, migration.name), { recursive: true });
      }
      return dir;
    };
    const previous = all.filter((migration) => migration.name < '20261207000000_member_joined_seq').at(-1)!.name;
    const before = upTo(previous, 'relay-before-joined-seq-');
    const through = upTo('20261207000000_member_joined_seq', 'relay-through-joined-seq-');
    const name = `relay_joined_seq_${process.pid}`;
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    await withClient(adminUrl.href, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    });
    try {
      await withClient(url.href, async (client) => {
        await migrate(asConnection(client), before);
        await client.query(`INSERT INTO "User" ("id", "handle", "displayName", "password") VALUES ('a', 'a', 'A', 'x'), ('b', 'b', 'B', 'x'), ('c', 'c', 'C', 'x')`);
        const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`;
        await client.query(`INSERT INTO "Room" ("id", "kind", "createdAt") VALUES ('g', 'group', $1), ('d', 'direct', $1)`, [at(0)]);
        // Alice and Bob found the group at minute 0; Carol joins at minute 3, after messages 1–3, with her note (4).
        await client.query(
          `INSERT INTO "RoomMember" ("roomId", "userId", "joinedAt") VALUES ('g', 'a', $1), ('g', 'b', $1), ('g', 'c', $2), ('d', 'a', $1), ('d', 'c', $2)`,
          [at(0), at(3)],
        );
        const message = (room: string, seq: number, minute: number) =>
          client.query(`INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "body", "createdAt") VALUES ($1, $2, $3, 'a', $1, 'x', $4)`, [
            `${room}${seq}`,
            room,
            seq,
            at(minute),
          ]);
        for (const [seq, minute] of [[1, 0], [2, 1], [3, 2], [4, 3], [5, 4]]) await message('g', seq, minute);
        for (const [seq, minute] of [[1, 0], [2, 5]]) await message('d', seq, minute);

        expect(await migrate(asConnection(client), through)).toEqual(['20261207000000_member_joined_seq']);
        const { rows } = await client.query(`SELECT "roomId", "userId", "joinedSeq" FROM "RoomMember" ORDER BY "roomId", "userId"`);
        expect(rows.map((row) => [row.roomId, row.userId, row.joinedSeq])).toEqual([
          ['d', 'a', 0],
          ['d', 'c', 0],
          ['g', 'a', 0],
          ['g', 'b', 0],
          ['g', 'c', 3],
        ]);
      });
    } finally {
      await withClient(adminUrl.href, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      for (const dir of [before, through]) rmSync(dir, { recursive: true, force: true });
    }
  });
});
