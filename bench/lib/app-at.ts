import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { TEST_SECRET, TEST_VAPID } from '../../tests/helpers/services';
import { BENCH_LIMITS } from './servers';

export type RelayAt = { url: string; commit: string; process: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * Relay's production build started through server.ts from a checkout of choice, on a fixed port (its
 * NEXTAUTH_URL must name it for the browser's sign-in). tests/helpers/app-server.ts starts this checkout
 * only; this lets today's bench measure an older commit's build (a second worktree) the same way.
 */
export async function startRelayAt(dir: string, options: { port: number; databaseUrl: string; redisUrl: string }): Promise<RelayAt> {
  const url = `http://127.0.0.1:${options.port}`;
  // The app's code: the last commit outside bench/ and docs/ (a bench commit on top changes nothing measured).
  const commit = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h', '--', '.', ':(exclude)bench', ':(exclude)docs', ':(exclude)package.json'], { encoding: 'utf8' }).trim();
  // node itself, not the tsx CLI (which runs the app in a child): stopping it must stop the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: dir,
    env: {
      ...process.env,
      ...BENCH_LIMITS,
      ...TEST_VAPID,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(options.port),
      HOST: '127.0.0.1',
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: TEST_SECRET,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/ready on http:\/\//.test(log)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Relay (${dir}) exited with ${code} before it was ready:\n${log}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    commit,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
