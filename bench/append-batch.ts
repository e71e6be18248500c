// The group commit's storage step alone (appendBatch: lock the rooms, check and store every send, one
// transaction), by batch size, against a baseline in the same run: a bare multi-VALUES INSERT of the same
// number of rows into the same Message table, one statement, no transaction of its own. No server, no
// sockets: what a batch costs in Postgres and in Prisma, and how that cost grows with the batch.
// Needs Postgres. Run: npm run bench:append   (ROOMS, SIZES, BENCH_DATABASE_URL to vary)
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import pg from 'pg';
import { openDatabase } from '../server/db/open-database';
import { loadDatabaseEnv } from '../server/env';
import { appendBatch } from '../server/messages/append-batch';
import { adminQuery } from './lib/fixture';
import { runScript } from './lib/run-script';

const ROOMS = Number(process.env.ROOMS ?? 1_000);
const SIZES = (process.env.SIZES ?? '1,10,100,500').split(',').map(Number);
// Messages stored per size and side: enough batches that one slow one does not decide the figure.
const MESSAGES_PER_SIZE = Number(process.env.MESSAGES ?? 5_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench_append';

type Room = { roomId: string; senderId: string; seq: number };

/** `ROOMS` direct conversations of two users each, written straight into a fresh database. */
async function seed(client: pg.Client): Promise<Room[]> {
  const users = Array.from({ length: ROOMS * 2 }, (_, index) => ({ id: randomUUID(), handle: `append${index}` }));
  await client.query('INSERT INTO "User" (id, handle, "displayName", password) SELECT id, handle, handle, \'-\' FROM unnest($1::text[], $2::text[]) AS u(id, handle)', [
    users.map((user) => user.id),
    users.map((user) => user.handle),
  ]);
  const rooms = Array.from({ length: ROOMS }, (_, index) => ({ roomId: randomUUID(), senderId: users[2 * index].id, other: users[2 * index + 1].id, seq: 0 }));
  await client.query('INSERT INTO "Room" (id, kind, "directKey") SELECT id, \'direct\', id FROM unnest($1::text[]) AS r(id)', [rooms.map((room) => room.roomId)]);
  await client.query('INSERT INTO "RoomMember" ("roomId", "userId") SELECT r, u FROM unnest($1::text[], $2::text[]) AS m(r, u)', [
    rooms.flatMap((room) => [room.roomId, room.roomId]),
    rooms.flatMap((room) => [room.senderId, room.other]),
  ]);
  await client.query('ANALYZE');
  return rooms.map(({ roomId, senderId }) => ({ roomId, senderId, seq: 0 }));
}

/** Milliseconds per batch of `size`, over enough batches to store MESSAGES_PER_SIZE messages. */
async function timeBatches(size: number, rooms: Room[], store: (batch: Room[]) => Promise<unknown>) {
  const batches = Math.max(5, Math.round(MESSAGES_PER_SIZE / size));
  let next = 0;
  const start = performance.now();
  for (let index = 0; index < batches; index += 1) {
    await store(Array.from({ length: size }, () => rooms[next++ % rooms.length]));
  }
  return (performance.now() - start) / batches;
}

async function main() {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE ${name}`);
  const { db, close } = await openDatabase(loadDatabaseEnv({ DATABASE_URL, DATA_DIR: '' }));
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const rooms = await seed(client);
    const relay = (batch: Room[]) =>
      appendBatch(db, batch.map(({ roomId, senderId }) => ({ id: randomUUID(), roomId, senderId, clientMsgId: randomUUID(), body: 'a message of the benchmark', mentionCandidates: [] })));
    // The baseline writes its own seqs far above the ones Relay gives out, so the two never collide.
    const bare = (batch: Room[]) => {
      const values: unknown[] = [];
      const tuples = batch.map((room) => {
        room.seq += 1;
        const at = values.push(randomUUID(), room.roomId, 1_000_000 + room.seq, room.senderId, randomUUID(), 'a message of the benchmark');
        return `($${at - 5}, $${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}, $${at})`;
      });
      return client.query(`INSERT INTO "Message" (id, "roomId", seq, "senderId", "clientMsgId", body) VALUES ${tuples.join(', ')}`, values);
    };
    console.log(`appendBatch against a bare multi-row INSERT; ${ROOMS} direct rooms; ${cpus().length} × ${cpus()[0]?.model}\n`);
    console.log('| batch | appendBatch ms | bare INSERT ms | ratio | appendBatch µs per message |');
    console.log('| --- | --- | --- | --- | --- |');
    await timeBatches(100, rooms, relay); // warm both paths (plans, connections, JIT) before measuring
    await timeBatches(100, rooms, bare);
    for (const size of SIZES) {
      // Alternated, so drift in the machine's load falls on both sides.
      const ours = (await timeBatches(size, rooms, relay)) + (await timeBatches(size, rooms, relay));
      const base = (await timeBatches(size, rooms, bare)) + (await timeBatches(size, rooms, bare));
      console.log(`| ${size} | ${(ours / 2).toFixed(2)} | ${(base / 2).toFixed(2)} | ${(ours / base).toFixed(1)}× | ${Math.round(((ours / 2) * 1000) / size)} |`);
    }
  } finally {
    await client.end();
    await close();
    await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

runScript(main);
