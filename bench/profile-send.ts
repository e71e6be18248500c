// Where a node's CPU goes under 1:1 chat: starts one node with `node --cpu-prof`, drives PAIRS pairs
// (each receiver, with the conversation on screen, reporting it read as the web client does, through
// its cursor reporter: one report per room in flight) at RATE messages/s for SECONDS, stops the node
// (which writes the profile) and prints the top self-time by function and by file. Needs
// `npm run build`, Postgres, Redis.
// Run: npm run bench:profile   (PAIRS, RATE, SECONDS, BENCH_DATABASE_URL, BENCH_REDIS_URL to vary)
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { startAppServer } from '../tests/helpers/app-server';
import type { TestSocket } from '../tests/helpers/clients';
import { directPair } from './lib/direct-pair';
import { adminQuery } from './lib/fixture';
import { cursorReporter } from '../lib/realtime/cursor-reporter';
import { runScript } from './lib/run-script';

const PAIRS = Number(process.env.PAIRS ?? 100);
const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench_profile';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROFILE_DIR = path.resolve('bench/results/profile');

async function freshDatabase() {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE ${name}`);
}

/** A process's CPU time so far (user + system), in ms, from /proc: what the profile's samples cannot give. */
function cpuMs(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
}

type Node = { callFrame: { functionName: string; url: string; lineNumber: number }; id: number };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number };

/**
 * Self time per function and per file, from a .cpuprofile, over the samples taken between `fromEndUs`
 * and `toEndUs` before the profile's end (the load, not the set-up or the shutdown).
 */
function summarise(profile: Profile, fromEndUs: number, toEndUs: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  let at = 0;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const beforeEnd = total - at;
    if (beforeEnd <= fromEndUs && beforeEnd >= toEndUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((sum, [, us]) => sum + us, 0);
  for (const [id] of selfUs) if (byId.get(id)!.callFrame.functionName === '(idle)') selfUs.delete(id);
  const busy = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '') || '(native)';
    const where = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + us);
    const group = file.includes('node_modules/') ? file.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : file;
    byFile.set(group, (byFile.get(group) ?? 0) + us);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`);
  return { busyMs: busy / 1000, idleMs: idle / 1000, functions: top(byFunction, 30), files: top(byFile, 20) };
}

async function main() {
  await freshDatabase();
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  const server = await startAppServer({ DATABASE_URL, REDIS_URL }, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] });
  const sockets: TestSocket[] = [];
  let sent = 0;
  let delivered = 0;
  let loadMs = 0;
  let stopMs = 0;
  try {
    const pairs: { out: TestSocket; roomId: string }[] = [];
    for (let index = 0; index < PAIRS; index++) {
      const { out, inbox, roomId } = await directPair(server.url, index);
      sockets.push(out, inbox);
      // The reader has the conversation on screen, so, like the web client, it reports each message
      // read (which implies delivered), through the client's own reporter: one report in flight per room.
      const readTo = cursorReporter((roomId, seq) => inbox.timeout(10_000).emitWithAck('room:read', { roomId, seq })).report;
      inbox.on('message:new', ({ message }) => {
        delivered += 1;
        readTo(message.roomId, message.seq);
      });
      pairs.push({ out, roomId });
    }
    // Open loop: one send every 1/RATE s, round robin over the pairs, whatever the acks do.
    const cpuBefore = cpuMs(server.process.pid!);
    const started = performance.now();
    const total = RATE * SECONDS;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const { out, roomId } = pairs[sent % pairs.length];
          out.emit('message:send', { roomId, clientMsgId: `m${sent}`, body: `message ${sent}` }, (() => {}) as never);
        }
        if (sent < total) setTimeout(tick, 5);
        else resolve();
      };
      tick();
    });
    const drainUntil = Date.now() + 30_000;
    while (delivered < total && Date.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    loadMs = performance.now() - started;
    const cpu = cpuMs(server.process.pid!) - cpuBefore;
    console.log(`${total} messages offered at ${RATE}/s over ${PAIRS} pairs; ${delivered} delivered in ${(loadMs / 1000).toFixed(1)} s`);
    console.log(`node CPU (user + system) during the load: ${cpu.toFixed(0)} ms, ${((cpu * 1000) / Math.max(1, delivered)).toFixed(0)} µs per delivered message; ${cpus().length} cores, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  } finally {
    for (const socket of sockets) socket.close();
    const stopping = performance.now();
    await server.stop();
    stopMs = performance.now() - stopping;
  }
  const file = readdirSync(PROFILE_DIR).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the node wrote no profile');
  const profile = JSON.parse(readFileSync(path.join(PROFILE_DIR, file), 'utf8')) as Profile;
  const summary = summarise(profile, (loadMs + stopMs) * 1000, stopMs * 1000);
  const perMessageUs = (summary.busyMs * 1000) / Math.max(1, delivered);
  console.log(`\nprofile ${path.join('bench/results/profile', file)}, the load only: ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle; ${perMessageUs.toFixed(0)} µs of node CPU per delivered message`);
  console.log('\nself time by package or file:\n' + summary.files.join('\n'));
  console.log('\nself time by function:\n' + summary.functions.join('\n'));
}

runScript(main);
