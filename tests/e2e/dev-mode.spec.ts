import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { openChatWith, postMessages, roomIdWith, send, signUp, trackPageErrors } from './helpers';

// The README's first command, `npm run dev`, on its embedded defaults (no Postgres, no Redis, data in
// DATA_DIR). Development differs from the production build every other test runs: React's StrictMode
// mounts each component, runs its effects' cleanups and mounts it again, which production never does.
const port = Number(process.env.E2E_PORT ?? 3210) + 1;
const devUrl = `http://127.0.0.1:${port}`;
let dataDir: string;
let dev: ChildProcess | undefined;
let output = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = mkdtempSync(path.join(tmpdir(), 'relay-dev-'));
  // Its own process group, so stopping it stops Next's workers too.
  dev = spawn(path.join('node_modules', '.bin', 'tsx'), ['server.ts'], {
    detached: true,
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' },
  });
  dev.stdout?.on('data', (chunk) => (output += chunk));
  dev.stderr?.on('data', (chunk) => (output += chunk));
  // Ready once a page answers (the first one compiles on request).
  await expect
    .poll(async () => (await fetch(`${devUrl}/signin`).catch(() => null))?.status ?? 0, { timeout: 220_000, intervals: [1_000] })
    .toBe(200)
    .catch((error) => {
      throw new Error(`${error}\n--- npm run dev said:\n${output.slice(-3_000)}`);
    });
});

test.afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    process.kill(-dev.pid, 'SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

// The list's look at what is in view waits for a frame; its cleanup cancelled that frame but left it
// marked pending, so after StrictMode's second mount nothing in view was ever reported, nothing read.
test('in development, a conversation someone started marks the replies that come into view read', async ({ browser }) => {
  test.setTimeout(240_000);
  const errors = trackPageErrors();
  const options = { baseURL: devUrl };
  const alice = await signUp(browser, 'alice', 'Alice', errors, options);
  const bob = await signUp(browser, 'bob', 'Bob', errors, options);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hello from the dev server');
  await expect(alice.page).toHaveURL(/\/c\//, { timeout: 60_000 });
  const roomId = await roomIdWith(alice, bob.handle);
  expect((await bob.page.request.post(`/api/v1/requests/${roomId}/accept`, { data: {} })).status()).toBe(200);

  await postMessages(bob, roomId, ['reply one', 'reply two']);
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('reply two', { timeout: 30_000 });
  const unread = async () => ((await (await alice.page.request.get('/api/v1/rooms')).json()).rooms as { id: string; unread: number }[]).find((room) => room.id === roomId)!.unread;
  await expect.poll(unread, { timeout: 30_000 }).toBe(0);
  expect(errors.list).toEqual([]);
});
