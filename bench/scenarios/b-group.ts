import type { TestUser } from '../../tests/helpers/clients';
import type { ClientSpec } from '../driver';
import type { Context, ScenarioResult } from '../lib/context';
import { bigGroupMembers, freshCopy, freshCopyWithBigGroup } from '../lib/fixture';
import { bytesWritten } from '../lib/proc';
import { startBare, startRelay, type Target } from '../lib/servers';
import { ratio } from '../lib/stats';
import { describeStep, measureSettled, mergeSteps, settle, type Step } from './pairs';

// (b) Fan-out in one group, all members connected to one node, at a ladder of offered group messages/s
// sent by a few members in turn. Every member has the group open (says so with `view:state`, as the web
// client does), so each gets every message live, as it would with the conversation on screen, and
// answers `room:read`. In a group this big both servers pass a read receipt only to the senders of the
// messages it newly covers (docs/protocol.md, RECEIPTS_TO_ALL_MAX_MEMBERS): members × rate receipts, not
// members² × rate. (Members who do not view a busy group get coalesced `room:advanced` announcements
// instead: the hybrid fan-out of docs/performance.md, not what this scenario measures.) (b2) runs the same
// group with receipts off, to show the fan-out of messages alone, and (b3) runs (b) in a group of
// BENCH_BIG_GROUP_SIZE (10,000: the fixture's other users written in as members). One driver holds the
// whole group, so one clock times every delivery. Baseline: bare Socket.IO room broadcast, and the same
// receipt relay (each reader's last cursor and the group's senders by seq kept in memory).
const SENDERS = 10;
const BARE_GROUP = 'grp:bench';

/** A group to run a scenario in: its members and a fresh database that holds it. */
export type Group = { members: TestUser[]; database: () => Promise<string> };

export const fixtureGroup = ({ profile, fixture }: Context): Group => ({
  members: fixture.group.members.slice(0, profile.groupSize),
  database: () => freshCopy(profile, fixture),
});
export const bigGroup = ({ profile, fixture }: Context): Group => ({
  members: bigGroupMembers(fixture, profile.bigGroupSize),
  database: () => freshCopyWithBigGroup(profile, fixture, profile.bigGroupSize),
});

export const groupFanOut = (ctx: Context) => fanOut(ctx, 'b', true, ctx.profile.groupLadder, fixtureGroup(ctx));
export const broadcastOnly = (ctx: Context) => fanOut(ctx, 'b2', false, ctx.profile.broadcastLadder, fixtureGroup(ctx));
export const bigGroupFanOut = (ctx: Context) => fanOut(ctx, 'b3', true, ctx.profile.bigGroupLadder, bigGroup(ctx));

async function fanOut(ctx: Context, id: string, receipts: boolean, ladder: number[], group: Group): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const { members } = group;
  const driver = ctx.drivers[0];
  const run = async (start: () => Promise<Target>) => {
    const target = await start();
    const roomId = target.kind === 'relay' ? fixture.group.roomId : BARE_GROUP;
    try {
      const users: ClientSpec[] = members.map((user) => ({ handle: user.handle, token: user.token, rooms: [BARE_GROUP], openRoom: roomId, receipts }));
      const connected = await driver.call('connect', { url: target.url, kind: target.kind, users, batch: 50 });
      if (connected.failed > 0) throw new Error(`${connected.failed} group members failed to connect: ${connected.errors.join('; ')}`);
      const sends = members.slice(0, SENDERS).map((user) => ({ from: user.handle, roomId, expect: members.length - 1 }));
      const once = async (rate: number, tag: string, durationMs = profile.stepMs) => {
        await settle(ctx);
        const bytesBefore = bytesWritten(target.pid);
        const { result, cpuMicros, wallMs, machineBusyPct } = await measureSettled(ctx, [target.pid], () => driver.call('openLoop', { sends, rate, durationMs, drainMs: profile.drainMs, tag }));
        const step = mergeSteps([result], rate * (members.length - 1), cpuMicros, wallMs, machineBusyPct);
        // Everything the server wrote (frames to members, receipts, Redis, Postgres), per delivery.
        return { ...step, bytesPerDelivery: Math.round((bytesWritten(target.pid) - bytesBefore) / (result.delivered || NaN)) };
      };
      await once(ladder[0], `${id}-${target.kind}-warm`, 2_000);
      const steps: (Step & { bytesPerDelivery: number })[] = [];
      for (const rate of ladder) {
        const done = await once(rate, `${id}-${target.kind}-${rate}`);
        steps.push(done);
        console.log(`${describeStep(`  [${id} ${target.kind} ${rate} msg/s]`, done).replace('µs/msg', 'µs/delivery')}, ${done.bytesPerDelivery} B written/delivery`);
        if (done.saturated) break;
      }
      return steps;
    } finally {
      await driver.call('disconnect', {});
      await target.stop();
    }
  };
  const ours = await run(async () => startRelay({ port: profile.port, databaseUrl: await group.database() }));
  const base = await run(() => startBare({ port: profile.port + 1 }));

  const best = (steps: Step[]) => Math.max(0, ...steps.map((step) => step.deliveredPerSec));
  // CPU per delivery compared where both kept up, at the highest such rate.
  const common = ours.filter((step) => !step.saturated && base.some((other) => other.offeredPerSec === step.offeredPerSec && !other.saturated));
  const ourAt = common.at(-1);
  const baseAt = ourAt && base.find((step) => step.offeredPerSec === ourAt.offeredPerSec);
  const table: ScenarioResult['table'] = [{ measure: 'max deliveries/s', ours: best(ours), baseline: best(base), ratio: ratio(best(ours), best(base)) }];
  for (const baseStep of base) {
    const ourStep = ours.find((step) => step.offeredPerSec === baseStep.offeredPerSec);
    const rate = baseStep.offeredPerSec / (members.length - 1);
    const row = (measure: string, pick: (step: (typeof base)[number]) => number) =>
      table.push({ measure: `@${rate} msg/s ${measure}`, ours: ourStep ? pick(ourStep) : 'not reached', baseline: pick(baseStep), ratio: ourStep ? ratio(pick(ourStep), pick(baseStep)) : NaN });
    row('deliveries/s', (step) => step.deliveredPerSec);
    row('e2e p50 ms', (step) => step.e2e.p50);
    row('e2e p99 ms', (step) => step.e2e.p99);
    row('server CPU µs/delivery', (step) => step.serverCpuUsPerMessage);
    row('machine CPU busy (all cores, load generator included) %', (step) => step.machineBusyPct);
    row('bytes written per delivery', (step) => step.bytesPerDelivery);
    row('errors', (step) => step.errors);
  }
  const errors = [...ours, ...base].reduce((sum, step) => sum + step.errors, 0);
  const cpuRatio = ourAt && baseAt ? ratio(ourAt.serverCpuUsPerMessage, baseAt.serverCpuUsPerMessage) : NaN;
  return {
    id,
    title: `fan-out in one group of ${members.length}, all connected, one node, ${receipts ? 'every member viewing it and reporting read (as the web client does)' : 'no receipts (isolates the message fan-out)'}`,
    table,
    targets: [
      { target: 'server CPU per delivery ≤ 1.3× bare', met: cpuRatio <= 1.3, detail: ourAt ? `×${cpuRatio} at ${ourAt.offeredPerSec} deliveries/s offered` : 'no rate both kept up with' },
      // A baseline that delivered nothing (swamped by members² receipts) proves nothing either way.
      { target: 'deliveries/s ≥ 75% of bare', met: best(base) > 0 && best(ours) >= 0.75 * best(base), detail: best(base) > 0 ? `${best(ours)} vs ${best(base)}` : `${best(ours)} vs a baseline that delivered nothing in time` },
      { target: 'errors = 0', met: errors === 0, detail: `${errors}` },
    ],
    errors,
    details: { members: members.length, senders: SENDERS, receipts, ours, baseline: base },
  };
}
