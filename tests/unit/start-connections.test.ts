import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/server/db/open-database';
import { loadDatabaseEnv } from '@/server/env';
import { openRedis } from '@/server/redis';

// A port nothing listens on: taken from the system, then let go.
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The start-up failure names the setting to check, with the driver's reason; never the URL (it may hold a password).
describe('a database or Redis that cannot be reached at start', () => {
  it('fails naming REDIS_URL (ioredis itself said only "Connection is closed.")', async () => {
    const port = await closedPort();
    await expect(openRedis(`redis://:hunter2-secret@127.0.0.1:${port}`)).rejects.toThrow(
      new RegExp(`^REDIS_URL: could not connect to Redis \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`),
    );
  });

  it('fails naming DATABASE_URL', async () => {
    const port = await closedPort();
    const failure = openDatabase(loadDatabaseEnv({ DATABASE_URL: `postgres://relay:hunter2-secret@127.0.0.1:${port}/relay`, DATA_DIR: './data' }));
    await expect(failure).rejects.toThrow(new RegExp(`^DATABASE_URL: could not connect to Postgres \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));
  });
});
