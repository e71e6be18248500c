import type { Context, ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio, round } from '../lib/stats';

// (f) Idle hold: N users connected to one node and doing nothing; the server's heap and RSS per
// connection (after − before, over N), read after a settling pause. Baseline: bare Socket.IO.
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
      const connected = await driver.call('connect', { url: target.url, kind: target.kind, users: users.map((user) => ({ handle: user.handle, token: user.token })), batch: 100 });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const after = await target.memory();
      const perConnection = (pick: (memory: typeof before) => number) => round((pick(after) - pick(before)) / Math.max(1, connected.connected) / 1024, 2);
      const figures = { connected: connected.connected, failed: connected.failed, connectMs: Math.round(connected.ms), heapKiB: perConnection((memory) => memory.heapUsed), rssKiB: perConnection((memory) => memory.rss), before, after };
      console.log(`  [f ${target.kind}] ${figures.connected} connected (${figures.failed} failed) in ${figures.connectMs} ms: heap ${figures.heapKiB} KiB, RSS ${figures.rssKiB} KiB per connection`);
      return figures;
    } finally {
      await driver.call('disconnect', {});
      await target.stop();
    }
  };
  const ours = await run(async () => startRelay({ port: profile.port, databaseUrl: await freshCopy(profile, fixture) }));
  const base = await run(() => startBare({ port: profile.port + 1 }));
  const errors = ours.failed + base.failed;
  return {
    id: 'f',
    title: `idle hold: ${users.length} connected users on one node`,
    table: [
      { measure: 'connected', ours: ours.connected, baseline: base.connected, ratio: ratio(ours.connected, base.connected) },
      { measure: 'heap per connection, KiB', ours: ours.heapKiB, baseline: base.heapKiB, ratio: ratio(ours.heapKiB, base.heapKiB) },
      { measure: 'RSS per connection, KiB', ours: ours.rssKiB, baseline: base.rssKiB, ratio: ratio(ours.rssKiB, base.rssKiB) },
      { measure: 'time to connect all (batches of 100), ms', ours: ours.connectMs, baseline: base.connectMs, ratio: ratio(ours.connectMs, base.connectMs) },
    ],
    targets: [
      { target: 'heap per connection ≤ 2× bare', met: ours.heapKiB <= 2 * base.heapKiB, detail: `×${ratio(ours.heapKiB, base.heapKiB)}` },
      { target: 'every user connected', met: errors === 0, detail: `${errors} failed` },
    ],
    errors,
    details: { ours, baseline: base },
  };
}
