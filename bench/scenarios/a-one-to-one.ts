import { type Context, type ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio } from '../lib/stats';
import { climb, connectPairs, describeStep, type Step } from './pairs';

// (a) 1:1 among all pairs connected to one node, at a ladder of offered rates. Baseline: bare Socket.IO
// relaying the same events to per-user rooms (no auth, no storage, no Redis).
export async function oneToOne(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.pairs);
  const run = async (start: () => Promise<Target>) => {
    const target = await start();
    try {
      const shards = await connectPairs(ctx, target.kind, pairs, target.url);
      return await climb(ctx, shards, target.kind, profile.ladder, [target.pid], `a-${target.kind}`, (step) => console.log(describeStep(`  [a ${target.kind}]`, step)));
    } finally {
      await Promise.all(ctx.drivers.map((driver) => driver.call('disconnect', {})));
      await target.stop();
    }
  };
  const ours = await run(async () => startRelay({ port: profile.port, databaseUrl: await freshCopy(profile, fixture) }));
  const base = await run(() => startBare({ port: profile.port + 1 }));
  return ladderResult('a', `1:1 among ${pairs.length * 2} connected users, one node`, ours, base);
}

const best = (steps: Step[]) => Math.max(0, ...steps.map((step) => step.deliveredPerSec));

/** The per-rate table and the targets shared by (a) and (c). */
export function ladderResult(id: string, title: string, ours: Step[], base: Step[], extraTargets: ScenarioResult['targets'] = []): ScenarioResult {
  const table: ScenarioResult['table'] = [{ measure: 'max delivered msgs/s', ours: best(ours), baseline: best(base), ratio: ratio(best(ours), best(base)) }];
  const p99Checks: string[] = [];
  let p99Met = true;
  for (const baseStep of base) {
    const ourStep = ours.find((step) => step.offeredPerSec === baseStep.offeredPerSec);
    const rate = baseStep.offeredPerSec;
    const row = (measure: string, pick: (step: Step) => number) => {
      const mine = ourStep ? pick(ourStep) : NaN;
      table.push({ measure: `@${rate}/s ${measure}`, ours: ourStep ? mine : 'not reached', baseline: pick(baseStep), ratio: ratio(mine, pick(baseStep)) });
    };
    row('delivered/s', (step) => step.deliveredPerSec);
    row('e2e p50 ms', (step) => step.e2e.p50);
    row('e2e p99 ms', (step) => step.e2e.p99);
    row('e2e max ms', (step) => step.e2e.max);
    row('ack p50 ms', (step) => step.ack.p50);
    row('ack p99 ms', (step) => step.ack.p99);
    row('server CPU µs/msg', (step) => step.serverCpuUsPerMessage);
    row('machine CPU busy (all cores, load generator included) %', (step) => step.machineBusyPct);
    row('errors', (step) => step.errors);
    row('undelivered after drain', (step) => step.undelivered);
    if (rate <= 10_000 && !baseStep.saturated) {
      const within = ourStep !== undefined && !ourStep.saturated && ourStep.e2e.p99 <= 2 * baseStep.e2e.p99;
      if (!within) p99Met = false;
      p99Checks.push(`${rate}/s: ${ourStep ? ourStep.e2e.p99 : '—'} vs ${baseStep.e2e.p99} ms`);
    }
  }
  const errors = [...ours, ...base].reduce((sum, step) => sum + step.errors, 0);
  // A backlog past the drain is expected only at the rate that overloaded the server.
  const lost = [...ours, ...base].reduce((sum, step) => sum + (step.deliveredPerSec >= 0.9 * step.offeredPerSec ? step.undelivered : 0), 0);
  return {
    id,
    title,
    table,
    targets: [
      { target: 'delivered msgs/s ≥ 50% of bare', met: best(ours) >= 0.5 * best(base), detail: `${best(ours)} vs ${best(base)}` },
      { target: 'delivered msgs/s ≥ 10,000', met: best(ours) >= 10_000, detail: `${best(ours)}` },
      { target: 'p99 ≤ 2× bare at every rate bare sustains (≤ 10,000/s)', met: p99Met, detail: p99Checks.join('; ') },
      { target: 'errors = 0', met: errors === 0, detail: `${errors}` },
      { target: 'nothing undelivered at a rate the server kept up with', met: lost === 0, detail: `${lost}` },
      ...extraTargets,
    ],
    errors: errors + lost,
    details: { ours, baseline: base },
  };
}
