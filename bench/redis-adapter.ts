// Classic vs sharded Socket.io Redis adapter for Relay's traffic: two node processes, 200 users on
// each, node A emits events to per-user rooms of users on both nodes. Reports deliveries per second
// and latency, the sharded figures as a ratio of the classic baseline measured in the same run.
// Loopback only; bounded: 3 rounds × 2 adapters × EVENTS events. Run: npm run bench:adapter
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';

const USERS_PER_NODE = 200;
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const ROUNDS = 3;
const root = path.resolve(import.meta.dirname, '..');

type Node = { child: ChildProcess; port: number };

function startNode(adapter: string, runId: string): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/adapter-node.ts'], { cwd: root, env: { ...process.env, ADAPTER: adapter, RUN_ID: runId } });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = chunk.toString().match(/ready (\d+)/)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`bench node exited with ${code}`)));
  });
}

const connect = (port: number, user?: string) =>
  new Promise<Socket>((resolve) => {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: user ? { user } : {}, forceNew: true });
    socket.once('connect', () => resolve(socket));
  });

async function round(adapter: string) {
  const runId = randomUUID().slice(0, 8);
  const nodes = await Promise.all([startNode(adapter, runId), startNode(adapter, runId)]);
  const users = Array.from({ length: USERS_PER_NODE * 2 }, (_, index) => `u${index}`);
  const latencies: number[] = [];
  let delivered = 0;
  let lastAt = 0;
  const clients = await Promise.all(users.map((user, index) => connect(nodes[index % 2].port, user)));
  for (const client of clients) {
    client.on('message:new', ({ sentAt }: { sentAt: number }) => {
      lastAt = Date.now();
      latencies.push(lastAt - sentAt);
      delivered += 1;
    });
  }
  const control = await connect(nodes[0].port);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const start = Date.now();
  for (let sent = 0; sent < EVENTS; sent += 1000) {
    await control.timeout(30_000).emitWithAck('bench:fire', { users, count: Math.min(1000, EVENTS - sent) });
  }
  const deadline = Date.now() + 60_000;
  while (delivered < EVENTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (lastAt - start) / 1000;
  for (const socket of [...clients, control]) socket.close();
  for (const node of nodes) node.child.kill('SIGTERM');
  latencies.sort((a, b) => a - b);
  return {
    delivered,
    perSecond: delivered / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
  };
}

const results: Record<string, Awaited<ReturnType<typeof round>>[]> = { classic: [], sharded: [] };
for (let index = 0; index < ROUNDS; index += 1) {
  for (const adapter of ['classic', 'sharded']) results[adapter].push(await round(adapter));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = Object.fromEntries(
  Object.entries(results).map(([adapter, runs]) => [
    adapter,
    { perSecond: median(runs.map((run) => run.perSecond)), p50: median(runs.map((run) => run.p50)), p99: median(runs.map((run) => run.p99)), lost: EVENTS * runs.length - runs.reduce((sum, run) => sum + run.delivered, 0) },
  ]),
);
console.log(`events per round: ${EVENTS}, users: ${USERS_PER_NODE} per node × 2 nodes, rounds: ${ROUNDS} (medians)`);
for (const [adapter, figures] of Object.entries(summary)) {
  console.log(`${adapter.padEnd(8)} ${figures.perSecond.toFixed(0)} deliveries/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  lost ${figures.lost}`);
}
console.log(`sharded / classic: throughput ×${(summary.sharded.perSecond / summary.classic.perSecond).toFixed(2)}, p99 latency ×${(summary.sharded.p99 / summary.classic.p99).toFixed(2)}`);
process.exit(0);
