import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Context, roomOf, type ScenarioResult, shard } from '../lib/context';
import { adminQuery, freshCopy, type Pair } from '../lib/fixture';
import { measureCpu } from '../lib/proc';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio } from '../lib/stats';
import { connectPairs } from './pairs';

// (d) Stored-and-acknowledged throughput at saturation: every pair's `a` keeps a window of sends in
// flight (receivers connected, answering receipts), the window growing until acks/s stops rising; then
// every acknowledged message is looked up in the database. Baseline: a bare loop of 100-row INSERTs
// into the same Message table (a scratch copy of the same database), on a few connections. For context,
// the same closed loop against bare Socket.IO (no storage) shows what the transport alone acks here.
const ROWS_PER_STATEMENT = 100;
const WARMUP_MS = 1_000;

type SaturationStep = { window: number; ackedPerSec: number; errors: number; serverCpuPct: number; machineBusyPct: number; errorSamples: string[] };

export async function storedThroughput(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.pairs);
  const databaseUrl = await freshCopy(profile, fixture);
  const relay = await saturate(ctx, pairs, () => startRelay({ port: profile.port, databaseUrl }));
  const lost = await countMissing(databaseUrl, relay.ackedIds);
  const transport = await saturate(ctx, pairs, () => startBare({ port: profile.port + 1 }));
  const base = await insertLoop(ctx);
  console.log(`  [d baseline] ${base.rowsPerSec} rows/s (${profile.baselineInsertConnections} connections × ${ROWS_PER_STATEMENT}-row INSERTs)`);
  const ours = most(relay.steps);
  const transportMost = most(transport.steps);
  const errors = relay.errors + transport.errors;
  return {
    id: 'd',
    title: `stored-and-acknowledged throughput at saturation (${pairs.length} senders), one node`,
    table: [
      { measure: 'stored (+acked) msgs/s at saturation', ours, baseline: base.rowsPerSec, ratio: ratio(ours, base.rowsPerSec) },
      { measure: 'acked msgs/s at saturation vs bare Socket.IO, same driver (no storage; the transport alone)', ours, baseline: transportMost, ratio: ratio(ours, transportMost) },
      ...relay.steps.map((step) => {
        const bare = transport.steps.find((other) => other.window === step.window);
        return { measure: `${step.window} in flight per sender: acked/s (baseline: bare Socket.IO)`, ours: step.ackedPerSec, baseline: bare?.ackedPerSec ?? 'not run', ratio: bare ? ratio(step.ackedPerSec, bare.ackedPerSec) : '' };
      }),
      ...relay.steps.map((step) => ({ measure: `${step.window} in flight: machine CPU busy (all cores) %`, ours: step.machineBusyPct, baseline: transport.steps.find((other) => other.window === step.window)?.machineBusyPct ?? '', ratio: '' })),
      { measure: 'acknowledged', ours: relay.ackedIds.length, baseline: '', ratio: '' },
      { measure: 'acknowledged but not in the database', ours: lost, baseline: '', ratio: '' },
      { measure: 'errors', ours: relay.errors, baseline: transport.errors, ratio: '' },
    ],
    targets: [
      { target: '≥ 50% of the bare batched INSERT rate', met: ours >= 0.5 * base.rowsPerSec, detail: `${ours} vs ${base.rowsPerSec} rows/s (bare Socket.IO alone acks ${transportMost}/s with this driver here)` },
      { target: 'zero acknowledged-but-lost', met: lost === 0, detail: `${lost} of ${relay.ackedIds.length}` },
      { target: 'errors = 0', met: errors === 0, detail: `${errors}` },
    ],
    errors: errors + lost,
    details: { steps: relay.steps, transportSteps: transport.steps, acked: relay.ackedIds.length, lost, baseline: base },
  };
}

const most = (steps: SaturationStep[]) => Math.max(0, ...steps.map((step) => step.ackedPerSec));

/** The closed-loop ladder against one server: the window grows until acks/s stops rising by 5%. */
async function saturate(ctx: Context, pairs: Pair[], start: () => Promise<Target>) {
  const { profile } = ctx;
  const target = await start();
  const steps: SaturationStep[] = [];
  const ackedIds: string[] = [];
  try {
    const shards = await connectPairs(ctx, target.kind, pairs, target.url);
    for (const window of profile.saturationWindows) {
      const { result, cpuMicros, wallMs, machineBusyPct } = await measureCpu([target.pid], () =>
        Promise.all(
          shards.map((mine, index) =>
            ctx.drivers[index].call('pump', { senders: mine.map((pair) => ({ from: pair.a.handle, roomId: roomOf(pair, target.kind) })), window, durationMs: profile.stepMs, tag: `d-${target.kind}${window}-${index}` }),
          ),
        ),
      );
      const step = {
        window,
        ackedPerSec: result.reduce((sum, part) => sum + part.ackedPerSec, 0),
        errors: result.reduce((sum, part) => sum + part.errors + part.disconnects, 0),
        serverCpuPct: Math.round((cpuMicros / 1000 / wallMs) * 100),
        machineBusyPct,
        errorSamples: result.flatMap((part) => part.errorSamples),
      };
      // One by one: a step of the bare server acks more ids than a call may take as arguments.
      for (const part of result) for (const id of part.ackedIds) ackedIds.push(id);
      steps.push(step);
      console.log(`  [d ${target.kind}] ${pairs.length} senders × ${window} in flight → ${step.ackedPerSec} acked/s (server CPU ${step.serverCpuPct}%, machine ${machineBusyPct}% busy) errors ${step.errors}`);
      const before = steps.at(-2);
      if (before && step.ackedPerSec < before.ackedPerSec * 1.05) break;
    }
  } finally {
    await Promise.all(ctx.drivers.map((driver) => driver.call('disconnect', {})));
    await target.stop();
  }
  return { steps, ackedIds, errors: steps.reduce((sum, step) => sum + step.errors, 0) };
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
