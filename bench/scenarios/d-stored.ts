import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Context, type ScenarioResult, shard } from '../lib/context';
import { adminQuery, freshCopy } from '../lib/fixture';
import { measureCpu } from '../lib/proc';
import { startRelay } from '../lib/servers';
import { ratio } from '../lib/stats';
import { connectPairs } from './pairs';

// (d) Stored-and-acknowledged throughput at saturation: every pair's `a` keeps a window of sends in
// flight (receivers connected, answering receipts), the window growing until acks/s stops rising; then
// every acknowledged message is looked up in the database. Baseline: a bare loop of 100-row INSERTs
// into the same Message table (a scratch copy of the same database), on a few connections.
const ROWS_PER_STATEMENT = 100;
const WARMUP_MS = 1_000;

export async function storedThroughput(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.pairs);
  const databaseUrl = await freshCopy(profile, fixture);
  const target = await startRelay({ port: profile.port, databaseUrl });
  const steps: { window: number; ackedPerSec: number; errors: number; serverCpuPct: number }[] = [];
  const ackedIds: string[] = [];
  let errors = 0;
  try {
    const shards = await connectPairs(ctx, 'relay', pairs, target.url);
    for (const window of profile.saturationWindows) {
      const { result, cpuMicros, wallMs } = await measureCpu([target.pid], () =>
        Promise.all(
          shards.map((mine, index) =>
            ctx.drivers[index].call('pump', { senders: mine.map((pair) => ({ from: pair.a.handle, roomId: pair.roomId })), window, durationMs: profile.stepMs, tag: `d${window}-${index}` }),
          ),
        ),
      );
      const step = {
        window,
        ackedPerSec: result.reduce((sum, part) => sum + part.ackedPerSec, 0),
        errors: result.reduce((sum, part) => sum + part.errors + part.disconnects, 0),
        serverCpuPct: Math.round((cpuMicros / 1000 / wallMs) * 100),
        errorSamples: result.flatMap((part) => part.errorSamples),
      };
      for (const part of result) ackedIds.push(...part.ackedIds);
      errors += step.errors;
      steps.push(step);
      console.log(`  [d relay] ${pairs.length} senders × ${window} in flight → ${step.ackedPerSec} stored+acked/s (server CPU ${step.serverCpuPct}%) errors ${step.errors}`);
      const before = steps.at(-2);
      if (before && step.ackedPerSec < before.ackedPerSec * 1.05) break;
    }
  } finally {
    await Promise.all(ctx.drivers.map((driver) => driver.call('disconnect', {})));
    await target.stop();
  }
  const lost = await countMissing(databaseUrl, ackedIds);
  const base = await insertLoop(ctx);
  console.log(`  [d baseline] ${base.rowsPerSec} rows/s (${profile.baselineInsertConnections} connections × ${ROWS_PER_STATEMENT}-row INSERTs)`);
  const ours = Math.max(...steps.map((step) => step.ackedPerSec));
  return {
    id: 'd',
    title: `stored-and-acknowledged throughput at saturation (${pairs.length} senders), one node`,
    table: [
      { measure: 'stored (+acked) msgs/s at saturation', ours, baseline: base.rowsPerSec, ratio: ratio(ours, base.rowsPerSec) },
      ...steps.map((step) => ({ measure: `${step.window} in flight per sender: acked/s`, ours: step.ackedPerSec, baseline: '', ratio: '' })),
      { measure: 'acknowledged', ours: ackedIds.length, baseline: '', ratio: '' },
      { measure: 'acknowledged but not in the database', ours: lost, baseline: '', ratio: '' },
      { measure: 'errors', ours: errors, baseline: '', ratio: '' },
    ],
    targets: [
      { target: '≥ 50% of the bare batched INSERT rate', met: ours >= 0.5 * base.rowsPerSec, detail: `${ours} vs ${base.rowsPerSec} rows/s` },
      { target: 'zero acknowledged-but-lost', met: lost === 0, detail: `${lost} of ${ackedIds.length}` },
      { target: 'errors = 0', met: errors === 0, detail: `${errors}` },
    ],
    errors: errors + lost,
    details: { steps, acked: ackedIds.length, lost, baseline: base },
  };
}

async function countMissing(databaseUrl: string, ids: string[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(DISTINCT "clientMsgId")::int AS found FROM "Message" WHERE "clientMsgId" = ANY($1::text[])', [ids]);
    return ids.length - rows[0].found;
  } finally {
    await client.end();
  }
}

/** The baseline: 100-row multi-VALUES INSERTs into a scratch copy's Message table, as fast as they go. */
async function insertLoop(ctx: Context) {
  const { profile, fixture } = ctx;
  const scratch = `${new URL(profile.databaseUrl).pathname.slice(1)}_base`;
  await adminQuery(profile.databaseUrl, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await adminQuery(profile.databaseUrl, `CREATE DATABASE ${scratch} TEMPLATE ${fixture.template}`);
  const url = Object.assign(new URL(profile.databaseUrl), { pathname: `/${scratch}` }).href;
  const pool = new pg.Pool({ connectionString: url, max: profile.baselineInsertConnections });
  try {
    const pairs = fixture.pairs.slice(0, profile.pairs);
    const { rows } = await pool.query('SELECT id, handle FROM "User" WHERE handle = ANY($1::text[])', [pairs.map((pair) => pair.a.handle)]);
    const idOf = new Map(rows.map((row) => [row.handle as string, row.id as string]));
    // Each connection writes its own rooms, so seqs never collide.
    const lanes = shard(pairs, profile.baselineInsertConnections).map((mine) => mine.map((pair) => ({ roomId: pair.roomId, senderId: idOf.get(pair.a.handle)!, seq: 1 })));
    let rowsInWindow = 0;
    const start = performance.now();
    const end = start + profile.stepMs;
    const lane = async (rooms: { roomId: string; senderId: string; seq: number }[]) => {
      let turn = 0;
      while (performance.now() < end) {
        const values: unknown[] = [];
        const tuples: string[] = [];
        for (let row = 0; row < ROWS_PER_STATEMENT; row += 1) {
          const room = rooms[turn++ % rooms.length];
          room.seq += 1;
          const at = values.push(randomUUID(), room.roomId, room.seq, room.senderId, randomUUID(), `baseline message ${room.seq}`);
          tuples.push(`($${at - 5}, $${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}, $${at})`);
        }
        await pool.query(`INSERT INTO "Message" (id, "roomId", seq, "senderId", "clientMsgId", body) VALUES ${tuples.join(', ')}`, values);
        if (performance.now() >= start + WARMUP_MS && performance.now() <= end) rowsInWindow += ROWS_PER_STATEMENT;
      }
    };
    await Promise.all(lanes.filter((rooms) => rooms.length > 0).map(lane));
    return { rowsPerSec: Math.round(rowsInWindow / ((profile.stepMs - WARMUP_MS) / 1000)), connections: profile.baselineInsertConnections, rowsPerStatement: ROWS_PER_STATEMENT };
  } finally {
    await pool.end();
    await adminQuery(profile.databaseUrl, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  }
}
