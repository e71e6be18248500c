import type { Context, ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio, round } from '../lib/stats';

// (f) Idle hold: N users connected to one node and doing nothing; the server's heap and RSS per
// connection (after − before, over N), read after a settling pause. Baseline: bare Socket.IO. Heap is
// read twice: as the process reports it (garbage included, so it depends on when V8 last collected) and
// retained, after a full collection through the inspector, which is what the target is judged on: what
// an idle connection costs to hold.
const SETTLE_MS = 5_000;

export async function idleHold(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  // The pairs' users and the idle ones (not the group, whose presence traffic is (b)'s business).
  const users = [...fixture.pairs.flatMap((pair) => [pair.a, pair.b]), ...fixture.idle].slice(0, profile.idleUsers);
  const driver = ctx.drivers[0];
  const run = async (start: () => Promise<Target>) => {
    const target = await start();
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const before = await target.memory();
      const retainedBefore = await target.retainedHeap();
      const connected = await driver.call('connect', { url: target.url, kind: target.kind, users: users.map((user) => ({ handle: user.handle, token: user.token })), batch: 100 });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const after = await target.memory();
      const retainedAfter = await target.retainedHeap();
      const perConnection = (bytes: number) => round(bytes / Math.max(1, connected.connected) / 1024, 2);
      const figures = {
        connected: connected.connected,
        failed: connected.failed,
        connectMs: Math.round(connected.ms),
        heapKiB: perConnection(after.heapUsed - before.heapUsed),
        retainedKiB: perConnection(retainedAfter - retainedBefore),
        rssKiB: perConnection(after.rss - before.rss),
        before: { ...before, retained: retainedBefore },
        after: { ...after, retained: retainedAfter },
      };
      console.log(`  [f ${target.kind}] ${figures.connected} connected (${figures.failed} failed) in ${figures.connectMs} ms: heap ${figures.heapKiB} KiB (retained ${figures.retainedKiB} KiB), RSS ${figures.rssKiB} KiB per connection`);
      return figures;
    } finally {
      await driver.call('disconnect', {});
      await target.stop();
    }
  };
  const ours = await run(async () => startRelay({ port: profile.port, databaseUrl: await freshCopy(profile, fixture), inspect: true }));
  const base = await run(() => startBare({ port: profile.port + 1, inspect: true }));
  const errors = ours.failed + base.failed;
  return {
    id: 'f',
    title: `idle hold: ${users.length} connected users on one node`,
    table: [
      { measure: 'connected', ours: ours.connected, baseline: base.connected, ratio: ratio(ours.connected, base.connected) },
      { measure: 'heap retained per connection (after a full GC), KiB', ours: ours.retainedKiB, baseline: base.retainedKiB, ratio: ratio(ours.retainedKiB, base.retainedKiB) },
      { measure: 'heap used per connection (garbage included), KiB', ours: ours.heapKiB, baseline: base.heapKiB, ratio: ratio(ours.heapKiB, base.heapKiB) },
      { measure: 'RSS per connection, KiB', ours: ours.rssKiB, baseline: base.rssKiB, ratio: ratio(ours.rssKiB, base.rssKiB) },
      { measure: 'time to connect all (batches of 100), ms', ours: ours.connectMs, baseline: base.connectMs, ratio: ratio(ours.connectMs, base.connectMs) },
    ],
    targets: [
      { target: 'heap per connection ≤ 2× bare (retained)', met: ours.retainedKiB <= 2 * base.retainedKiB, detail: `×${ratio(ours.retainedKiB, base.retainedKiB)} retained; ×${ratio(ours.heapKiB, base.heapKiB)} with garbage` },
      { target: 'every user connected', met: errors === 0, detail: `${errors} failed` },
    ],
    errors,
    details: { ours, baseline: base },
  };
}
