// One sync after 1,000 edits in a room of 100,000 messages: does it read only the changed rows?
// Builds the room in its own database (BENCH_DATABASE_URL), then measures, in the same run:
//   changes   the real syncRoom service (server/messages/sync-room.ts) for a client holding every
//             message up to the version before the edits: it must read the 1,000 changed rows only;
//   baseline  what a client without versions has to do to see edits: read the room's whole history
//             again (the same history query, every page);
// and prints the plan of the changes query with the (roomId, version) index and without it.
// Needs Postgres only. Loopback only; bounded. Run: npm run bench:catch-up
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Actor } from '../server/auth/authenticate';
import { migrate } from '../server/db/migrate';
import { PrismaClient } from '../server/db/generated/client';
import { readMessagePage } from '../server/messages/list-messages';
import { syncRoom } from '../server/messages/sync-room';
import { setRuntime } from '../server/runtime';
import { runScript } from './lib/run-script';

const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const EDITS = Number(process.env.EDITS ?? 1_000);
const RUNS = Number(process.env.RUNS ?? 5);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench';

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

async function seed(client: pg.Client) {
  await migrate({ query: (sql, params) => client.query(sql, params), exec: (sql) => client.query(sql) });
  const userId = randomUUID();
  const roomId = randomUUID();
  await client.query(`INSERT INTO "User" ("id", "handle", "displayName", "password") VALUES ($1, 'bench', 'Bench', 'x')`, [userId]);
  await client.query(`INSERT INTO "Room" ("id", "kind", "name", "lastSeq", "version") VALUES ($1, 'group', 'bench', $2, $2)`, [roomId, MESSAGES]);
  await client.query(`INSERT INTO "RoomMember" ("roomId", "userId", "readSeq", "deliveredSeq") VALUES ($1, $2, $3, $3)`, [roomId, userId, MESSAGES]);
  await client.query(
    `INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "body", "version")
     SELECT gen_random_uuid()::text, $1, n, $2, 'c' || n, 'message number ' || n || ' about nothing much', n FROM generate_series(1, $3::int) n`,
    [roomId, userId, MESSAGES],
  );
  // 1,000 edits spread over the history, each taking the room's next version, as record-change.ts does.
  await client.query(
    `WITH picked AS (SELECT seq, row_number() OVER (ORDER BY random()) AS k FROM "Message" WHERE "roomId" = $1 ORDER BY random() LIMIT $2)
     UPDATE "Message" m SET "body" = m."body" || ' (edited)', "editedAt" = now(), "version" = $3 + picked.k
     FROM picked WHERE m."roomId" = $1 AND m.seq = picked.seq`,
    [roomId, EDITS, MESSAGES],
  );
  await client.query(`UPDATE "Room" SET "version" = $2 WHERE "id" = $1`, [roomId, MESSAGES + EDITS]);
  await client.query('ANALYZE');
  return { userId, roomId };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time(run: () => Promise<unknown>) {
  const runs: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const start = performance.now();
    await run();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

// The changes query as sync-room.ts asks Prisma for it (block filter included).
const CHANGES_SQL = `SELECT m.* FROM "Message" m
  WHERE m."roomId" = $1 AND m."version" > $2 AND m."version" <= $3 AND m.seq <= $4
    AND NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."blockerId" = $5 AND b."blockedId" = m."senderId")
  ORDER BY m."version" LIMIT 1001`;

async function plan(client: pg.Client, params: unknown[]) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${CHANGES_SQL}`, params);
  return rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

async function main() {
  await freshDatabase();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  console.log(`seeding ${MESSAGES} messages and ${EDITS} edits…`);
  const { userId, roomId } = await seed(client);

  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: DATABASE_URL }) });
  const noop = async () => {};
  // Only what syncRoom reaches: the database, and a broadcaster for the delivery receipt.
  setRuntime({ db, broadcaster: { toUsers: () => {}, disconnectSession: noop, disconnectUser: noop } } as unknown as Parameters<typeof setRuntime>[0]);
  const actor: Actor = { userId, handle: 'bench', displayName: 'Bench', avatarId: null, sessionId: 'bench', role: 'user', createdAt: new Date() };

  // One sync as a client runs it: pages until hasMore is false.
  const catchUp = async () => {
    let changes = 0;
    for (let afterVersion = MESSAGES; ; ) {
      const reply = await syncRoom(actor, { roomId, afterSeq: MESSAGES, afterVersion });
      changes += reply.changes.length;
      afterVersion = reply.version;
      if (!reply.hasMore) return changes;
    }
  };
  const changed = await catchUp();
  const changesMs = await time(catchUp);
  const baselineMs = await time(async () => {
    for (let afterSeq = 0; ; ) {
      const page = await readMessagePage(actor, roomId, { afterSeq, beforeSeq: MESSAGES + 1, limit: 200 });
      if (!page.hasMore) return;
      afterSeq = page.messages.at(-1)!.seq;
    }
  });

  const params = [roomId, MESSAGES, MESSAGES + EDITS, MESSAGES, userId];
  const withIndex = await plan(client, params);
  await client.query('BEGIN');
  await client.query('DROP INDEX "Message_roomId_version_idx"');
  const withoutIndex = await plan(client, params);
  await client.query('ROLLBACK');

  console.log(`\nroom of ${MESSAGES} messages, ${EDITS} edited since the client's version; median of ${RUNS} runs`);
  console.log(`  sync (changes only):              ${changesMs.toFixed(1)} ms, ${changed} changes`);
  console.log(`  baseline (re-read the history):   ${baselineMs.toFixed(1)} ms, ${MESSAGES} messages`);
  console.log(`  ratio:                            ${(baselineMs / changesMs).toFixed(1)}x`);
  console.log(`\n  changes query, with the (roomId, version) index:\n${withIndex}`);
  console.log(`\n  changes query, without it:\n${withoutIndex}`);
  await db.$disconnect();
  await client.end();
}

runScript(main);
