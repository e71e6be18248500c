import { api } from '../../tests/helpers/clients';
import type { Context, ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { startRelay } from '../lib/servers';
import { ratio, summarize } from '../lib/stats';
import { connectPairs, describeStep, step } from './pairs';

// (g) Sign-in storm: (a) at a moderate rate, once alone and once while S password sign-ins per second
// (POST /api/v1/tokens, open loop, from this coordinator process) hit the same node. The baseline
// column is the same node without the storm.
export async function signInStorm(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.pairs);
  const target = await startRelay({ port: profile.port, databaseUrl: await freshCopy(profile, fixture) });
  try {
    const shards = await connectPairs(ctx, 'relay', pairs, target.url);
    const cpuPids = [target.pid];
    const rate = moderateRate(ctx);
    await step(ctx, shards, 'relay', rate, cpuPids, 'g-warm', 2_000);
    const calm = await step(ctx, shards, 'relay', rate, cpuPids, 'g-calm');
    console.log(describeStep('  [g no storm]', calm));
    const people = [...fixture.idle, ...pairs.flatMap((pair) => [pair.a, pair.b])];
    const storm = signIns(target.url, people, profile.signInsPerSec, profile.stepMs);
    const stormy = await step(ctx, shards, 'relay', rate, cpuPids, 'g-storm');
    const signedIn = await storm;
    console.log(describeStep('  [g storm]', stormy));
    console.log(`  [g storm] ${signedIn.ok}/${signedIn.attempted} sign-ins, p50 ${signedIn.latency.p50} p99 ${signedIn.latency.p99} ms`);
    const errors = calm.errors + stormy.errors + (signedIn.attempted - signedIn.ok);
    const p99Ratio = ratio(stormy.e2e.p99, calm.e2e.p99);
    return {
      id: 'g',
      title: `sign-in storm: ${profile.signInsPerSec} sign-ins/s while ${pairs.length * 2} users exchange ${rate} msgs/s, one node (baseline: no storm)`,
      table: [
        { measure: 'message e2e p50 ms', ours: stormy.e2e.p50, baseline: calm.e2e.p50, ratio: ratio(stormy.e2e.p50, calm.e2e.p50) },
        { measure: 'message e2e p99 ms', ours: stormy.e2e.p99, baseline: calm.e2e.p99, ratio: p99Ratio },
        { measure: 'delivered msgs/s', ours: stormy.deliveredPerSec, baseline: calm.deliveredPerSec, ratio: ratio(stormy.deliveredPerSec, calm.deliveredPerSec) },
        { measure: 'server CPU µs/msg', ours: stormy.serverCpuUsPerMessage, baseline: calm.serverCpuUsPerMessage, ratio: ratio(stormy.serverCpuUsPerMessage, calm.serverCpuUsPerMessage) },
        { measure: 'machine CPU busy (all cores), %', ours: stormy.machineBusyPct, baseline: calm.machineBusyPct, ratio: ratio(stormy.machineBusyPct, calm.machineBusyPct) },
        { measure: 'sign-ins ok / attempted', ours: `${signedIn.ok} / ${signedIn.attempted}`, baseline: '', ratio: '' },
        { measure: 'sign-in p50 / p99 ms', ours: `${signedIn.latency.p50} / ${signedIn.latency.p99}`, baseline: '', ratio: '' },
        { measure: 'errors (messages + sign-ins)', ours: stormy.errors + signedIn.attempted - signedIn.ok, baseline: calm.errors, ratio: '' },
      ],
      targets: [
        { target: 'message p99 within 1.5× of no storm', met: p99Ratio <= 1.5, detail: `${stormy.e2e.p99} vs ${calm.e2e.p99} ms` },
        { target: 'errors = 0', met: errors === 0, detail: `${errors}` },
      ],
      errors,
      details: { calm, storm: stormy, signIns: signedIn },
    };
  } finally {
    await Promise.all(ctx.drivers.map((driver) => driver.call('disconnect', {})));
    await target.stop();
  }
}

/**
 * "Moderate": half of what Relay delivered at most in (a) of this run, unless BENCH_STORM_MSG_RATE says
 * otherwise (or (a) did not run).
 */
function moderateRate(ctx: Context) {
  const steps = (ctx.results.a?.details as { ours?: { deliveredPerSec: number }[] } | undefined)?.ours;
  if (process.env.BENCH_STORM_MSG_RATE || !steps?.length) return ctx.profile.stormRate;
  return Math.max(10, Math.round(Math.max(...steps.map((step) => step.deliveredPerSec)) / 2));
}

/** Open-loop password sign-ins: one due every 1/rate s, not waiting for the ones before. */
async function signIns(url: string, people: { handle: string; password: string }[], rate: number, durationMs: number) {
  const total = Math.round((rate * durationMs) / 1000);
  const latencies: number[] = [];
  let ok = 0;
  const start = performance.now();
  const attempts: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const person = people[index % people.length];
    attempts.push(
      api(url, '/api/v1/tokens', { body: { username: person.handle, password: person.password } }).then(
        (reply) => {
          latencies.push(performance.now() - due);
          if (reply.status === 201) ok += 1;
        },
        () => {},
      ),
    );
  }
  await Promise.all(attempts);
  return { attempted: total, ok, latency: summarize(latencies) };
}
