// What one lone message costs on an idle node: PAIRS pairs connected to one node, then N messages one at
// a time (send, wait for its ack and delivery, the reader reports it read, then a pause so the receipt
// goes too), and the CPU each took from /proc: the node's main thread, the node's other threads (GC,
// compilers, libuv), and Postgres (all its processes). Idle CPU, measured over IDLE_S seconds before, is
// taken off each. What the rates in `npm run bench` amortise is exactly this fixed cost.
// With LOG_STATEMENTS=1 Postgres logs every statement of the database (log_min_duration_statement = 0) to
// its own log, to see what a message costs it statement by statement.
// Needs Postgres and Redis. Run: npm run bench:lone   (N, PAIRS, READ=0 for sends only, BENCH_REDIS_URL)
import { startAppServer } from '../tests/helpers/app-server';
import type { TestSocket } from '../tests/helpers/clients';
import { directPair } from './lib/direct-pair';
import { adminQuery } from './lib/fixture';
import { cpuMicros, mainThreadCpuMicros, postgresCpuMicros } from './lib/proc';
import { runScript } from './lib/run-script';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench_lone';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PAIRS = Number(process.env.PAIRS ?? 5);
const N = Number(process.env.N ?? 100);
const READ = process.env.READ !== '0';
const IDLE_S = Number(process.env.IDLE_S ?? 3);
// Long enough for the receipt's audience look-up, which gathers for 50 ms, to have run.
const PAUSE_MS = 100;

function sample(pid: number) {
  const main = mainThreadCpuMicros(pid) / 1000;
  return { main, others: cpuMicros(pid) / 1000 - main, postgres: postgresCpuMicros() / 1000, at: performance.now() };
}
type Sample = ReturnType<typeof sample>;
const since = (before: Sample, after: Sample) => ({
  main: after.main - before.main,
  others: after.others - before.others,
  postgres: after.postgres - before.postgres,
  seconds: (after.at - before.at) / 1000,
});

async function main() {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE ${name}`);
  if (process.env.LOG_STATEMENTS === '1') await adminQuery(DATABASE_URL, `ALTER DATABASE ${name} SET log_min_duration_statement = 0`);
  const server = await startAppServer({ DATABASE_URL, REDIS_URL });
  const sockets: TestSocket[] = [];
  try {
    const pairs: { out: TestSocket; inbox: TestSocket; roomId: string }[] = [];
    for (let index = 0; index < PAIRS; index++) {
      const pair = await directPair(server.url, index);
      sockets.push(pair.out, pair.inbox);
      pairs.push(pair);
    }
    const lone = async (index: number) => {
      const { out, inbox, roomId } = pairs[index % PAIRS];
      const delivered = new Promise<{ message: { seq: number } }>((resolve) => inbox.once('message:new', resolve));
      await out.timeout(10_000).emitWithAck('message:send', { roomId, clientMsgId: `m${index}`, body: `message ${index}` });
      const { message } = await delivered;
      if (READ) await inbox.timeout(10_000).emitWithAck('room:read', { roomId, seq: message.seq });
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    };
    for (let index = 0; index < 20; index++) await lone(index); // warm up
    const pid = server.process.pid!;
    const idleFrom = sample(pid);
    await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
    const idle = since(idleFrom, sample(pid));
    if (process.env.LOG_STATEMENTS === '1') console.log(`messages from ${new Date().toISOString()}`);
    const loadFrom = sample(pid);
    for (let index = 0; index < N; index++) await lone(1000 + index);
    const load = since(loadFrom, sample(pid));
    const each = (key: 'main' | 'others' | 'postgres') => ((load[key] - (idle[key] / idle.seconds) * load.seconds) / N).toFixed(2);
    console.log(`${N} lone ${READ ? 'messages, each read' : 'sends'}; ${PAIRS} pairs; CPU per message (idle taken off):`);
    console.log(`  node main thread ${each('main')} ms, node other threads ${each('others')} ms, Postgres ${each('postgres')} ms`);
    console.log(`  idle: node ${((idle.main + idle.others) / idle.seconds).toFixed(0)} ms/s, Postgres ${(idle.postgres / idle.seconds).toFixed(0)} ms/s`);
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

runScript(main);
