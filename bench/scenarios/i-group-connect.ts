import type { ClientSpec } from '../driver';
import type { Context, ScenarioResult } from '../lib/context';
import { bigGroupMembers, freshCopyWithBigGroup } from '../lib/fixture';
import { bytesWritten, measureCpu } from '../lib/proc';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio } from '../lib/stats';

// (i) A big group comes online: every member of (b)'s group connects at once, as after a node restart,
// at (b)'s size and at BENCH_BIG_GROUP_SIZE (10,000). Measured from the first connect until no event has
// reached any member for QUIET_MS: the node's CPU, the bytes it wrote, the `presence` events members
// got. Ours: Relay as configured by default, which pushes presence only through direct conversations and
// groups of at most PRESENCE_PUSH_MAX_MEMBERS (100). For comparison, Relay pushing it through every
// group (what it did before). Baseline: bare Socket.IO, each member joining the group's room (no auth,
// no presence).
const QUIET_MS = 1_000;
const SETTLE_TIMEOUT_MS = 180_000;
const BARE_GROUP = 'grp:bench';
// Pushing to every member costs members²: run for comparison only up to this size (10⁸ events at 10,000).
const PUSH_ALL_MAX_MEMBERS = 2_000;

type Run = { connected: number; failed: number; connectMs: number; quietAfterMs: number; cpuMs: number; bytesPerMember: number; presenceIn: number };

export async function groupConnect(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const driver = ctx.drivers[0];
  const run = async (label: string, members: ClientSpec[], start: () => Promise<Target>): Promise<Run> => {
    const target = await start();
    try {
      const bytesBefore = bytesWritten(target.pid);
      const { result, cpuMicros, wallMs } = await measureCpu([target.pid], async () => {
        const connected = await driver.call('connect', { url: target.url, kind: target.kind, users: members, batch: 50 });
        const quiet = await driver.call('settle', { quietMs: QUIET_MS, timeoutMs: SETTLE_TIMEOUT_MS });
        return { connected, quiet };
      });
      const figures: Run = {
        connected: result.connected.connected,
        failed: result.connected.failed,
        connectMs: Math.round(result.connected.ms),
        // Until the last event, not counting the quiet period that proved it was the last.
        quietAfterMs: Math.max(Math.round(result.connected.ms), Math.round(wallMs - QUIET_MS)),
        cpuMs: Math.round(cpuMicros / 1000),
        bytesPerMember: Math.round((bytesWritten(target.pid) - bytesBefore) / members.length),
        presenceIn: result.quiet.presenceIn,
      };
      console.log(
        `  [i ${members.length} ${label}] ${figures.connected} connected (${figures.failed} failed) in ${figures.connectMs} ms, quiet after ${figures.quietAfterMs} ms; ` +
          `server CPU ${figures.cpuMs} ms, ${figures.bytesPerMember} B written per member, ${figures.presenceIn} presence events`,
      );
      return figures;
    } finally {
      await driver.call('disconnect', {});
      await target.stop();
    }
  };

  const table: ScenarioResult['table'] = [];
  const details: Record<string, { ours: Run; pushingToEveryMember: Run | null; baseline: Run }> = {};
  let errors = 0;
  for (const size of [...new Set([profile.groupSize, profile.bigGroupSize])]) {
    const members: ClientSpec[] = bigGroupMembers(fixture, size).map((user) => ({ handle: user.handle, token: user.token, rooms: [BARE_GROUP] }));
    const relay = (env: Record<string, string>) => async () =>
      startRelay({ port: profile.port, databaseUrl: await freshCopyWithBigGroup(profile, fixture, size), env });
    const ours = await run('relay', members, relay({}));
    const pushAll = size <= PUSH_ALL_MAX_MEMBERS ? await run('relay pushing presence to every member', members, relay({ PRESENCE_PUSH_MAX_MEMBERS: String(size + 1) })) : null;
    const bare = await run('bare', members, () => startBare({ port: profile.port }));
    const row = (measure: string, pick: (figures: Run) => number) => {
      table.push({ measure: `${size} members: ${measure}`, ours: pick(ours), baseline: pick(bare), ratio: ratio(pick(ours), pick(bare)) });
      if (pushAll) table.push({ measure: `${size} members: ${measure}, pushing presence to every member`, ours: pick(pushAll), baseline: pick(bare), ratio: ratio(pick(pushAll), pick(bare)) });
    };
    row('server CPU ms until quiet', (figures) => figures.cpuMs);
    row('ms until quiet', (figures) => figures.quietAfterMs);
    row('bytes written per member', (figures) => figures.bytesPerMember);
    row('presence events to members', (figures) => figures.presenceIn);
    const runs = pushAll ? [ours, pushAll, bare] : [ours, bare];
    errors += runs.reduce((sum, figures) => sum + figures.failed + (size - figures.connected), 0);
    details[size] = { ours, pushingToEveryMember: pushAll, baseline: bare };
  }
  return {
    id: 'i',
    title: `a group of ${[...new Set([profile.groupSize, profile.bigGroupSize])].join(' and of ')} comes online at once, one node (baseline: bare Socket.IO, each member joining the group's room)`,
    table,
    targets: [
      // No target in the issue: what it costs is the finding, and it is what makes a 10,000-member group affordable at all.
      { target: 'every member connected', met: errors === 0, detail: `${errors} failed` },
    ],
    errors,
    details,
  };
}
