import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRET, TEST_VAPID } from './services';

export type AppServer = { url: string; port: number; process: ChildProcess; output: () => string; stdout: () => string; stop: (signal?: NodeJS.Signals) => Promise<void> };

const root = path.resolve(import.meta.dirname, '../..');

export const RELAXED_LIMITS = {
  RATE_SEND_PER_SEC: '100000',
  RATE_SEND_BURST: '100000',
  RATE_AUTH_PER_MIN: '100000',
  RATE_AUTH_BURST: '100000',
  SPAM_LINK_MIN_ACCOUNT_AGE_MS: '0',
};

/**
 * Starts the built app as production does (dist/server.mjs, bundled from server.ts by the integration
 * tests' global setup) as a real child process on an ephemeral port,
 * by default against the test Postgres and Redis. Pass DATABASE_URL: '' for the embedded path.
 */
export async function startAppServer(env: Record<string, string> = {}, options: { startTimeoutMs?: number; nodeArgs?: string[] } = {}): Promise<AppServer> {
  // `nodeArgs` go to node itself (e.g. --cpu-prof, which NODE_OPTIONS does not take).
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--enable-source-maps', 'dist/server.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      NEXTAUTH_SECRET: TEST_SECRET,
      ...TEST_VAPID,
      // Limits out of the way unless a test is about them (those pass their own values).
      ...RELAXED_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed start (nobody else would stop it).
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${log}`));
    }, options.startTimeoutMs ?? Number(process.env.TEST_SERVER_START_MS ?? 120_000));
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = log.match(/ready on http:\/\/localhost:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output: () => log,
    /** Only what went to stdout (output() has stderr too). */
    stdout: () => stdout,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
