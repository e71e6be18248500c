// The benchmark suite (`npm run bench`): each scenario against its baseline in the same run, on this
// machine. Sizes and rates come from the environment (lib/profile.ts; BENCH_PROFILE=quick for a short
// run). Writes results/latest.json and results/latest.md. See README.md.
import { loadavg } from 'node:os';
import type { Context, ScenarioResult } from './lib/context';
import { startDriver } from './lib/drivers';
import { loadFixture } from './lib/fixture';
import { profile } from './lib/profile';
import { describeMachine, previousResults, writeResults } from './lib/report';
import { killAll } from './lib/servers';
import { oneToOne } from './scenarios/a-one-to-one';
import { bigGroupFanOut, broadcastOnly, groupFanOut } from './scenarios/b-group';
import { twoNodes } from './scenarios/c-two-nodes';
import { storedThroughput } from './scenarios/d-stored';
import { catchUpStorm } from './scenarios/e-catch-up';
import { idleHold } from './scenarios/f-idle';
import { signInStorm } from './scenarios/g-sign-in-storm';
import { bigGroupHybridFanOut, hybridFanOut } from './scenarios/h-hybrid';
import { groupConnect } from './scenarios/i-group-connect';
import { runScript } from './lib/run-script';

const scenarios: Record<string, (ctx: Context) => Promise<ScenarioResult>> = {
  a: oneToOne,
  b: groupFanOut,
  'b2': broadcastOnly,
  'b3': bigGroupFanOut,
  c: twoNodes,
  d: storedThroughput,
  e: catchUpStorm,
  f: idleHold,
  g: signInStorm,
  h: hybridFanOut,
  h3: bigGroupHybridFanOut,
  i: groupConnect,
};

async function main() {
  const startedAt = Date.now();
  const machine = await describeMachine(profile);
  const fixture = await loadFixture(profile);
  const drivers = await Promise.all(Array.from({ length: profile.drivers }, startDriver));
  const ctx: Context = { profile, fixture, drivers, results: Object.fromEntries(previousResults(profile).map((result) => [result.id, result])) };
  const results: ScenarioResult[] = [];
  try {
    for (const [id, scenario] of Object.entries(scenarios)) {
      if (!profile.only.includes(id)) continue;
      console.log(`(${id}) …`);
      const scenarioStart = Date.now();
      try {
        ctx.results[id] = await scenario(ctx);
      } catch (error) {
        // One scenario failing to run is reported as such; the others still run.
        console.error(error);
        ctx.results[id] = { id, title: 'did not complete', table: [], targets: [{ target: 'ran to the end', met: false, detail: String((error as Error).message).slice(0, 300) }], errors: 1, details: null };
        await Promise.all(drivers.map((driver) => driver.call('disconnect', {}).catch(() => {})));
      }
      results.push({ ...ctx.results[id], measuredAt: new Date(scenarioStart).toISOString(), load: loadavg().map((value) => Math.round(value * 10) / 10) });
      console.log(`(${id}) done in ${Math.round((Date.now() - scenarioStart) / 1000)} s`);
      writeResults(profile, machine, results, Math.round((Date.now() - startedAt) / 6000) / 10);
    }
  } finally {
    await Promise.all(drivers.map((driver) => driver.stop()));
  }
  console.log(`results in bench/results/latest.md (${Math.round((Date.now() - startedAt) / 1000)} s)`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(1);
  });
}

runScript(main);
