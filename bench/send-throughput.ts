// Stored-and-acknowledged messages per second through one node, against a baseline measured in the same
// run: the storage step alone (appendMessage, the same SQL statement through the same Prisma client), at
// the same concurrency. The ratio says what the rest of the send path (auth, validation, membership and
// block checks, rate limit, idempotency look-up, fan-out) costs on top of storing.
// Needs `npm run build`, Postgres and Redis. Loopback only; bounded: PAIRS × MESSAGES messages per run.
// Run: npm run bench:send
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../server/db/generated/client';
import { appendMessage } from '../server/messages/append-message';
import { startAppServer } from '../tests/helpers/app-server';
import { api, connect, createUser, type TestSocket } from '../tests/helpers/clients';
import { runScript } from './lib/run-script';

const PAIRS = Number(process.env.PAIRS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 200);
// Sends in flight per sender; each socket still processes its own sends one at a time, in order.
const WINDOW = Number(process.env.WINDOW ?? 20);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function freshDatabase() {
  const admin = new URL(DATABASE_URL);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

/** Runs `count` jobs with `window` in flight at once, recording each one's latency. */
async function pipelined(count: number, window: number, job: (index: number) => Promise<unknown>, latencies: number[]) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const start = performance.now();
      await job(index);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

async function inChunks<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset)))));
  }
  return made;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)] ?? NaN;

async function main() {
  await freshDatabase();
  const server = await startAppServer({ DATABASE_URL, REDIS_URL });
  const sockets: TestSocket[] = [];
  try {
    // Pairs of users, each with a direct conversation (accepted) and both sides connected; set up
    // twenty at a time, since hundreds of password hashes and handshakes at once only test the setup.
    const pairs = await inChunks(PAIRS, 20, async (index) => {
        const [sender, reader] = await Promise.all([createUser(server.url, `s${index}`), createUser(server.url, `r${index}`)]);
        const [out, inbox] = await Promise.all([connect(server.url, { token: sender.token }), connect(server.url, { token: reader.token })]);
        sockets.push(out, inbox);
        const first = await out.timeout(10_000).emitWithAck('message:send', { to: reader.handle, clientMsgId: 'hello', body: 'hello' });
        if (!first.ok) throw new Error(first.error.message);
        await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { method: 'POST', token: reader.token });
        return { out, roomId: first.message.roomId, senderHandle: sender.handle };
    });

    type Pair = (typeof pairs)[number];
    // Every sender sends MESSAGES with WINDOW in flight, all senders at once.
    const measure = async (job: (pair: Pair, index: number) => Promise<unknown>) => {
      const latencies: number[] = [];
      const start = performance.now();
      await Promise.all(pairs.map((pair) => pipelined(MESSAGES, WINDOW, (index) => job(pair, index), latencies)));
      return { seconds: (performance.now() - start) / 1000, latencies };
    };

    const relay = await measure(async ({ out, roomId }, index) => {
      const ack = await out.timeout(60_000).emitWithAck('message:send', { roomId, clientMsgId: `m${index}`, body: `message ${index}` });
      if (!ack.ok) throw new Error(ack.error.message);
    });

    // Baseline: the same rooms, the same statement, the same concurrency, straight to the database.
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
    const db = new PrismaClient({ adapter: new PrismaPg(pool) });
    const senders = await db.user.findMany({ where: { handle: { in: pairs.map((pair) => pair.senderHandle) } }, select: { id: true, handle: true } });
    const senderOf = new Map(senders.map((user) => [user.handle, user]));
    const base = await measure(({ roomId, senderHandle }, index) =>
      appendMessage(db, { roomId, sender: senderOf.get(senderHandle)!, clientMsgId: `b${index}-${randomUUID()}`, body: `message ${index}` }),
    );
    await db.$disconnect();
    await pool.end();

    const total = PAIRS * MESSAGES;
    const relayRate = total / relay.seconds;
    const baseRate = total / base.seconds;
    console.log(`messages: ${total} (${PAIRS} senders × ${MESSAGES}, ${WINDOW} in flight each), one node, Postgres + Redis`);
    console.log(`relay     ${relayRate.toFixed(0)} stored+acked/s  ack p50 ${percentile(relay.latencies, 0.5).toFixed(1)} ms  p99 ${percentile(relay.latencies, 0.99).toFixed(1)} ms`);
    console.log(`baseline  ${baseRate.toFixed(0)} stored/s        p50 ${percentile(base.latencies, 0.5).toFixed(1)} ms  p99 ${percentile(base.latencies, 0.99).toFixed(1)} ms  (appendMessage alone)`);
    console.log(`relay / baseline: throughput ×${(relayRate / baseRate).toFixed(2)}`);
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

runScript(main);
