import type { ClientSpec, Send } from '../driver';
import { type Context, roomOf, shard } from '../lib/context';
import type { Pair } from '../lib/fixture';
import { measureCpu } from '../lib/proc';
import type { Summary } from '../lib/stats';

// 1:1 traffic among connected pairs, shared by (a), (c) and (g): connecting, one open-loop step, and
// climbing a ladder of offered rates until the server stops keeping up.
type OpenLoopResult = Awaited<ReturnType<Context['drivers'][number]['call']>> & Record<string, any>;
export type Step = {
  offeredPerSec: number;
  deliveredPerSec: number;
  e2e: Summary;
  ack: Summary;
  /** Failed or timed-out acks, duplicates, refused receipts, dropped sockets. */
  errors: number;
  /** Still not delivered `drainMs` after the last send: lost, or stuck in a backlog. */
  undelivered: number;
  serverCpuUsPerMessage: number;
  serverCpuPct: number;
  driverCpuPct: number;
  /** The whole machine (every core: driver, Postgres and Redis too), % busy during the step. */
  machineBusyPct: number;
  saturated: boolean;
  raw: OpenLoopResult[];
};

/** Connects every pair, `a` to urlA and `b` to urlB; each receiver has its conversation open. */
export async function connectPairs(ctx: Context, kind: 'relay' | 'bare', pairs: Pair[], urlA: string, urlB = urlA) {
  const shards = shard(pairs, ctx.drivers.length);
  await Promise.all(
    shards.map(async (mine, index) => {
      const side = (pick: 'a' | 'b'): ClientSpec[] => mine.map((pair) => ({ handle: pair[pick].handle, token: pair[pick].token, openRoom: roomOf(pair, kind) }));
      for (const [url, specs] of [[urlA, side('a')], [urlB, side('b')]] as const) {
        const outcome = await ctx.drivers[index].call('connect', { url, kind, users: specs, batch: 50 });
        if (outcome.failed > 0) throw new Error(`${outcome.failed} ${kind} clients failed to connect: ${outcome.errors.join('; ')}`);
      }
    }),
  );
  return shards;
}

/** Both directions of every pair, a→b for all pairs then b→a, cycled by the open loop. */
const sendsOf = (pairs: Pair[], kind: 'relay' | 'bare'): Send[] => [
  ...pairs.map((pair) => ({ from: pair.a.handle, roomId: roomOf(pair, kind), expect: 1 })),
  ...pairs.map((pair) => ({ from: pair.b.handle, roomId: roomOf(pair, kind), expect: 1 })),
];

export async function step(ctx: Context, shards: Pair[][], kind: 'relay' | 'bare', rate: number, cpuPids: number[], tag: string, durationMs = ctx.profile.stepMs): Promise<Step> {
  await settle(ctx);
  const { result: raw, cpuMicros, wallMs, machineBusyPct } = await measureSettled(ctx, cpuPids, () =>
    Promise.all(
      shards.map((pairs, index) =>
        ctx.drivers[index].call('openLoop', { sends: sendsOf(pairs, kind), rate: rate / shards.length, durationMs, drainMs: ctx.profile.drainMs, tag: `${tag}-${index}` }),
      ),
    ),
  );
  return mergeSteps(raw, rate, cpuMicros, wallMs, machineBusyPct);
}

/** Each step starts once the previous one's traffic (late receipts) has stopped arriving, or after the drain time. */
export const settle = (ctx: Context) => Promise.all(ctx.drivers.map((driver) => driver.call('settle', { quietMs: 500, timeoutMs: ctx.profile.drainMs })));

/**
 * CPU (and wall time) of a step until the traffic it caused has settled: the receipts that arrive after
 * its last delivery are its work too. Measured up to the last delivery only, a server whose receipts lag
 * looked cheaper than one that kept up (docs/performance.md, "Fifteenth round").
 */
export const measureSettled = <T>(ctx: Context, pids: number[], work: () => Promise<T>) =>
  measureCpu(pids, async () => {
    const result = await work();
    await settle(ctx);
    return result;
  });

/** Several drivers: counts add up; of latencies the worst driver's figures are kept (no false comfort). */
export function mergeSteps(raw: OpenLoopResult[], rate: number, cpuMicros: number, wallMs: number, machineBusyPct: number): Step {
  const sum = (pick: (result: OpenLoopResult) => number) => raw.reduce((total, result) => total + pick(result), 0);
  const worst = (pick: (result: OpenLoopResult) => Summary): Summary => ({
    count: raw.reduce((total, result) => total + pick(result).count, 0),
    p50: Math.max(...raw.map((result) => pick(result).p50)),
    p99: Math.max(...raw.map((result) => pick(result).p99)),
    max: Math.max(...raw.map((result) => pick(result).max)),
  });
  const delivered = sum((result) => result.delivered);
  const deliveredPerSec = sum((result) => result.deliveredPerSec);
  const errors = sum((result) => result.ackErrors + result.duplicates + result.receiptErrors + result.disconnects);
  const undelivered = sum((result) => result.undelivered);
  return {
    offeredPerSec: rate,
    deliveredPerSec,
    e2e: worst((result) => result.e2e),
    ack: worst((result) => result.ack),
    errors,
    undelivered,
    serverCpuUsPerMessage: delivered > 0 ? Math.round(cpuMicros / delivered) : NaN,
    serverCpuPct: Math.round((cpuMicros / 1000 / wallMs) * 100),
    driverCpuPct: Math.round((sum((result) => result.driverCpuMs) / wallMs) * 100),
    machineBusyPct,
    // Not keeping up: under 90% of the offered rate delivered, or something lost or late on the way.
    saturated: deliveredPerSec < 0.9 * rate || errors + undelivered > 0,
    raw: raw.map(({ errorSamples, ...rest }) => ({ ...rest, errorSamples })),
  };
}

/** Climbs the ladder, stopping after the first step the server could not keep up with. */
export async function climb(ctx: Context, shards: Pair[][], kind: 'relay' | 'bare', ladder: number[], cpuPids: number[], tag: string, log: (step: Step) => void) {
  // A short unrecorded warm-up, so the first step does not measure the JIT.
  await step(ctx, shards, kind, ladder[0], cpuPids, `${tag}-warm`, 2_000);
  const steps: Step[] = [];
  for (const rate of ladder) {
    const done = await step(ctx, shards, kind, rate, cpuPids, `${tag}-${rate}`);
    steps.push(done);
    log(done);
    if (done.saturated) break;
  }
  return steps;
}

export const describeStep = (label: string, step: Step) =>
  `${label} offered ${step.offeredPerSec}/s → ${step.deliveredPerSec}/s  e2e p50 ${step.e2e.p50} p99 ${step.e2e.p99} max ${step.e2e.max} ms  ack p99 ${step.ack.p99} ms  ` +
  `cpu ${step.serverCpuUsPerMessage} µs/msg (${step.serverCpuPct}%, driver ${step.driverCpuPct}%, machine ${step.machineBusyPct}% busy)  errors ${step.errors} undelivered ${step.undelivered}${step.saturated ? '  [saturated]' : ''}`;
