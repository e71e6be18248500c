import { Redis } from 'ioredis';
import type { Context, ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio } from '../lib/stats';
import { ladderResult } from './a-one-to-one';
import { climb, connectPairs, describeStep, type Step } from './pairs';

// (c) (a) with each pair split over two nodes sharing one Redis: every message and receipt crosses
// nodes. CPU is both nodes' plus Redis's. Baseline: two bare Socket.IO nodes on the Redis adapter.
export async function twoNodes(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.pairs);
  const redis = new Redis(profile.redisUrl);
  const redisPid = Number((await redis.info('server')).match(/process_id:(\d+)/)?.[1]);
  const run = async (kind: string, start: () => Promise<[Target, Target]>) => {
    // This Redis is the suite's own: nothing from an earlier run (presence, adapters) carries over.
    await redis.flushall();
    const [nodeA, nodeB] = await start();
    try {
      const shards = await connectPairs(ctx, nodeA.kind, pairs, nodeA.url, nodeB.url);
      return await climb(ctx, shards, nodeA.kind, profile.ladder, [nodeA.pid, nodeB.pid, redisPid], `c-${kind}`, (step) => console.log(describeStep(`  [c ${kind}]`, step)));
    } finally {
      await Promise.all(ctx.drivers.map((driver) => driver.call('disconnect', {})));
      await Promise.all([nodeA.stop(), nodeB.stop()]);
    }
  };
  try {
    const ours = await run('relay', async () => {
      const databaseUrl = await freshCopy(profile, fixture);
      return Promise.all([startRelay({ port: profile.port, databaseUrl, redisUrl: profile.redisUrl }), startRelay({ port: profile.port + 2, databaseUrl, redisUrl: profile.redisUrl })]);
    });
    const base = await run('bare', () => Promise.all([startBare({ port: profile.port + 1, redisUrl: profile.redisUrl }), startBare({ port: profile.port + 3, redisUrl: profile.redisUrl })]));
    const result = ladderResult('c', `1:1 among ${pairs.length * 2} users, each pair split over two nodes through Redis`, ours, base);
    const cpu = againstOneNode(ctx, ours);
    result.table.push({ measure: `total CPU µs/msg vs (a) one node @${cpu.rate}/s`, ours: cpu.twoNodes, baseline: cpu.oneNode, ratio: cpu.ratio });
    result.targets = [
      { target: 'total CPU per message (2 nodes + Redis) ≤ 2.5× one node without Redis (a)', met: cpu.ratio <= 2.5, detail: cpu.detail },
      ...result.targets.filter((target) => target.target.startsWith('errors') || target.target.startsWith('nothing')),
    ];
    return result;
  } finally {
    redis.disconnect();
  }
}

/**
 * Relay's CPU per message on two nodes against (a)'s one node (this run's, or the last one kept in
 * results/latest.json): at the highest rate both kept up with, else at the lowest rate both ran.
 */
function againstOneNode(ctx: Context, ours: Step[]) {
  const oneNode: Step[] = (ctx.results.a?.details as { ours?: Step[] } | undefined)?.ours ?? [];
  const common = ours.filter((step) => oneNode.some((other) => other.offeredPerSec === step.offeredPerSec));
  const kept = common.filter((step) => !step.saturated && !oneNode.find((other) => other.offeredPerSec === step.offeredPerSec)!.saturated);
  const both = kept.at(-1) ?? common[0];
  if (!both) return { rate: '—', twoNodes: NaN, oneNode: NaN, ratio: NaN, detail: oneNode.length ? 'no common rate' : 'needs (a)' };
  const single = oneNode.find((step) => step.offeredPerSec === both.offeredPerSec)!;
  const cpuRatio = ratio(both.serverCpuUsPerMessage, single.serverCpuUsPerMessage);
  return { rate: both.offeredPerSec, twoNodes: both.serverCpuUsPerMessage, oneNode: single.serverCpuUsPerMessage, ratio: cpuRatio, detail: `×${cpuRatio} at ${both.offeredPerSec}/s${kept.length ? '' : ' (both saturated there)'}` };
}
