import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { RELAXED_LIMITS, startAppServer } from '../../tests/helpers/app-server';
import { inspectorUrl, retainedHeap } from './inspector';
import { rssBytes } from './proc';

// The servers under test, each its own process: Relay through server.ts (the production build), and the
// bare Socket.IO baseline. Both answer `memory()` from inside the process and are measured from outside.
export type Target = {
  kind: 'relay' | 'bare';
  url: string;
  pid: number;
  memory: () => Promise<{ heapUsed: number; rss: number }>;
  /** Heap used after a full collection (bench/lib/inspector.ts), for a server started with `inspect`. */
  retainedHeap: () => Promise<number>;
  stop: () => Promise<void>;
};

const root = path.resolve(import.meta.dirname, '../..');

// Every server still running, so an interrupted run leaves none behind (killAll, from run.ts).
const live = new Set<number>();
export const killAll = () => {
  for (const pid of live) process.kill(pid, 'SIGKILL');
};
const tracked = (pid: number, stop: () => Promise<void>) => {
  live.add(pid);
  return () => stop().finally(() => live.delete(pid));
};
const METRICS_TOKEN = 'relay-bench-metrics-token';

/**
 * Limits raised by configuration only (the same env a deployment would set): sends, sign-ins and the
 * per-socket receipt and sync throttles, so the benchmark measures the server, not its limits.
 */
export const BENCH_LIMITS = { ...RELAXED_LIMITS, SOCKET_EVENTS_PER_SEC: '100000', SOCKET_EVENT_BURST: '100000' };

// The inspector on a port of its own (0: any free one), for retainedHeap.
const INSPECT = '--inspect=127.0.0.1:0';
const noInspector = () => Promise.reject(new Error('started without inspect'));
const inspected = (output: () => string) => () => {
  const url = inspectorUrl(output());
  return url ? retainedHeap(url) : noInspector();
};

/** Node flags for every Relay node a bench starts (`BENCH_RELAY_NODE_ARGS`, e.g. `--cpu-prof`). */
export const relayNodeArgs = () => process.env.BENCH_RELAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

export async function startRelay(options: { port: number; databaseUrl: string; redisUrl?: string; inspect?: boolean; env?: Record<string, string> }): Promise<Target> {
  const server = await startAppServer({
    ...BENCH_LIMITS,
    ...options.env,
    PORT: String(options.port),
    DATABASE_URL: options.databaseUrl,
    // Blank is "unset": one node, in memory, as the bare baseline has no Redis either.
    REDIS_URL: options.redisUrl ?? '',
    METRICS_TOKEN,
  }, { nodeArgs: [...(options.inspect ? [INSPECT] : []), ...relayNodeArgs()] });
  const pid = server.process.pid!;
  return {
    kind: 'relay',
    url: server.url,
    pid,
    memory: async () => {
      const response = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const heapUsed = Number((await response.text()).match(/^nodejs_heap_size_used_bytes (\S+)/m)?.[1]);
      return { heapUsed, rss: rssBytes(pid) };
    },
    retainedHeap: options.inspect ? inspected(server.output) : noInspector,
    stop: tracked(pid, async () => {
      await server.stop(process.env.BENCH_RELAY_NODE_ARGS ? 'SIGTERM' : 'SIGKILL');
      // The node's own output is kept, not echoed: a crash or a 500 would otherwise leave no trace.
      if (process.env.BENCH_RELAY_LOG) appendFileSync(process.env.BENCH_RELAY_LOG, `--- Relay node on port ${options.port}\n${server.output()}\n`);
    }),
  };
}

export async function startBare(options: { port: number; redisUrl?: string; redisKey?: string; inspect?: boolean }): Promise<Target> {
  const child = spawn(process.execPath, [...(options.inspect ? [INSPECT] : []), '--import', 'tsx', 'bench/bare-server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(options.port), REDIS_URL: options.redisUrl ?? '', BARE_REDIS_KEY: options.redisKey ?? 'bare' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = chunk.toString().match(/ready (\d+)/);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    kind: 'bare',
    url,
    pid: child.pid!,
    memory: async () => {
      const stats = await (await fetch(`${url}/stats`)).json();
      return { heapUsed: stats.heapUsed, rss: rssBytes(child.pid!) };
    },
    retainedHeap: options.inspect ? inspected(() => stderr) : noInspector,
    stop: tracked(child.pid!, () => stopChild(child)),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
