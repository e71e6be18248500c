// The one test command: checks Postgres and Redis, recreates the test database, builds the app,
// then runs unit + integration tests (vitest) and browser tests (Playwright in Debian's Chromium).
// A missing service is a failure with instructions, never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const env = { ...process.env, TEST_DATABASE_URL: databaseUrl, TEST_REDIS_URL: redisUrl, NEXT_TELEMETRY_DISABLED: '1' };

function fail(message) {
  console.error(`\n[test] ${message}\n`);
  process.exit(1);
}

async function recreateDatabase() {
  const target = new URL(databaseUrl);
  const name = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) fail(`TEST_DATABASE_URL must name a plain database (got "${name}")`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    fail(`Postgres is not reachable at ${admin.host} (${error.message}).\n  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n  or set TEST_DATABASE_URL.`);
  }
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  console.log(`[test] fresh database ${name}`);
}

async function checkRedis() {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    fail(`Redis is not reachable at ${redisUrl} (${error.message}).\n  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n  or set TEST_REDIS_URL.`);
  } finally {
    redis.disconnect();
  }
}

function run(command, args) {
  console.log(`\n[test] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(chromium)) fail(`Chromium not found at ${chromium}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
await checkRedis();
await recreateDatabase();
run('npx', ['tsc', '--noEmit']);
run('npm', ['run', 'build']);
run('npx', ['vitest', 'run']);
run('npx', ['playwright', 'test']);
console.log('\n[test] all tests passed');
