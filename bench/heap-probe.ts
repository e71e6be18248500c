// What an idle connection keeps on a node's heap, by kind of object: starts one node with
// --heapsnapshot-signal, takes a heap snapshot with 20 users connected and another after N more sockets
// (default 500) have connected, and prints the difference per socket (count and self size) by V8 type and
// constructor. For scenario (f) (heap per connection): what to shrink first. Needs `npm run build`,
// Postgres, and Redis on BENCH_REDIS_URL (default redis://127.0.0.1:6391, as the suite).
// Run: npm run bench:heap   (N to vary)
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { startAppServer } from '../tests/helpers/app-server';
import { connect, createUser, type TestSocket } from '../tests/helpers/clients';
import { adminQuery } from './lib/fixture';

const N = Number(process.env.N ?? 500);
const DB = 'postgres://postgres@127.0.0.1:5432/relay_heap_probe';
const DIR = '/tmp/relay-heap-probe';

function summarize(file: string) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const f = snap.snapshot.meta.node_fields as string[];
  const types = snap.snapshot.meta.node_types[0] as string[];
  const [ti, ni, si] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k));
  const nodes = snap.nodes as number[];
  const strings = snap.strings as string[];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < nodes.length; i += f.length) {
    const key = `${types[nodes[i + ti]]}:${strings[nodes[i + ni]].slice(0, 60)}`;
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += nodes[i + si];
    out.set(key, entry);
  }
  return out;
}

async function snapshot(pid: number) {
  const before = new Set(readdirSync(DIR));
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const added = readdirSync(DIR).filter((name) => !before.has(name) && name.endsWith('.heapsnapshot'));
    if (added.length) {
      let size = -1;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1500));
        const now = statSync(`${DIR}/${added[0]}`).size;
        if (now > 0 && now === size) return `${DIR}/${added[0]}`;
        size = now;
      }
    }
  }
}

async function main() {
  mkdirSync(DIR, { recursive: true });
  await adminQuery(DB, `DROP DATABASE IF EXISTS relay_heap_probe WITH (FORCE)`);
  await adminQuery(DB, `CREATE DATABASE relay_heap_probe`);
  const server = await startAppServer({ DATABASE_URL: DB, REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6391' }, { nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${DIR}`, '--expose-gc'] });
  // The node and the sockets go whatever happens, so a failed probe leaves no server behind.
  const sockets: TestSocket[] = [];
  try {
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await createUser(server.url, `h${i}`));
    for (const user of users) sockets.push(await connect(server.url, { token: user.token }));
    const a = summarize(await snapshot(server.process.pid!));
    for (let i = 0; i < N; i++) sockets.push(await connect(server.url, { token: users[i % users.length].token }));
    await new Promise((r) => setTimeout(r, 2000));
    const b = summarize(await snapshot(server.process.pid!));
    const rows = [...b].map(([key, v]) => ({ key, count: v.count - (a.get(key)?.count ?? 0), size: v.size - (a.get(key)?.size ?? 0) }));
    rows.sort((x, y) => y.size - x.size);
    const total = rows.reduce((sum, row) => sum + row.size, 0);
    console.log(`total self size delta ${(total / 1024).toFixed(0)} KiB over ${N} sockets = ${(total / N / 1024).toFixed(1)} KiB per socket`);
    for (const row of rows.slice(0, 45)) console.log(`${(row.size / N).toFixed(0).padStart(7)} B/sock ${(row.count / N).toFixed(2).padStart(7)} /sock  ${row.key}`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
  }
}
void main();
