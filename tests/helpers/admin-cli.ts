import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_DATABASE_URL } from './services';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm run admin -- <args>` with `env` over this process's (Redis unset): its exit code and what it said. */
export async function adminCli(args: string[], env: Record<string, string>) {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['scripts/admin.ts', ...args], {
    cwd: root,
    env: { ...process.env, REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  return { code, output };
}

/** Makes a user an admin the documented way: the CLI against the test database. */
export async function grantAdmin(handle: string) {
  const { code, output } = await adminCli(['grant', handle], { DATABASE_URL: TEST_DATABASE_URL });
  if (code !== 0) throw new Error(`admin grant ${handle} failed (${code}): ${output}`);
}
