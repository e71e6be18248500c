import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminCli } from '../helpers/admin-cli';
import { insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_DATABASE_URL } from '../helpers/services';

describe('the admin CLI', () => {
  const database = useTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-admin-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('needs only the database: in production without NEXTAUTH_SECRET it grants, and writes nothing to DATA_DIR', async () => {
    const user = await insertUser(database.db, 'ops');
    database.userIds.push(user.id);
    // As an operator runs it: only the database. Blank is unset (server/env.ts), so the test runner's own
    // secret does not stand in for a missing one.
    const env = { NODE_ENV: 'production', DATABASE_URL: TEST_DATABASE_URL, DATA_DIR: dataDir, NEXTAUTH_SECRET: '' };

    const granted = await adminCli(['grant', user.handle], env);
    expect(granted).toEqual({ code: 0, output: expect.stringContaining(`@${user.handle} is now an admin`) });
    expect((await database.db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('admin');
    // A session secret it does not use is neither asked for nor made up (it was generated into ./data).
    expect(readdirSync(dataDir)).toEqual([]);

    const missing = await adminCli(['grant', 'nobody-by-this-name'], env);
    expect(missing).toEqual({ code: 1, output: expect.stringContaining('admin: no user "nobody-by-this-name"') });
  }, 60_000);
});
