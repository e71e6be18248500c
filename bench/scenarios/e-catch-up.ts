import type { Context, ScenarioResult } from '../lib/context';
import { freshCopy } from '../lib/fixture';
import { measureCpu } from '../lib/proc';
import { startRelay } from '../lib/servers';

// (e) Catch-up storm: the `b` of each pair goes away, its `a` sends it N messages (pipelined, all
// acknowledged), then every `b` reconnects at once and syncs its conversation (room:sync, paging) from
// what it held. Measured: the time until all hold everything, and that each holds every seq exactly once.
export async function catchUpStorm(ctx: Context): Promise<ScenarioResult> {
  const { profile, fixture } = ctx;
  const pairs = fixture.pairs.slice(0, profile.catchUpUsers);
  const driver = ctx.drivers[0];
  const target = await startRelay({ port: profile.port, databaseUrl: await freshCopy(profile, fixture) });
  try {
    const spec = (user: { handle: string; token: string }, roomId: string) => ({ handle: user.handle, token: user.token, openRoom: roomId });
    await driver.call('connect', { url: target.url, kind: 'relay', users: pairs.map((pair) => spec(pair.a, pair.roomId)), batch: 50 });
    await driver.call('connect', { url: target.url, kind: 'relay', users: pairs.map((pair) => spec(pair.b, pair.roomId)), batch: 50 });
    await driver.call('disconnect', { handles: pairs.map((pair) => pair.b.handle) });

    const sent = await driver.call('pump', {
      senders: pairs.map((pair) => ({ from: pair.a.handle, roomId: pair.roomId })),
      // A few in flight per sender: the server takes one send per socket at a time, and acks must not
      // wait out the driver's 60 s timeout behind a long queue.
      window: 3,
      perSender: profile.catchUpMessages,
      durationMs: 30 * 60_000,
      tag: 'e',
    });
    console.log(`  [e] ${sent.acked} messages stored while away (${Math.round(sent.ms / 1000)} s), errors ${sent.errors}`);
    // Each room held seq 1 (the fixture's first message) when its `b` left.
    const users = pairs.map((pair) => ({ ...spec(pair.b, pair.roomId), roomId: pair.roomId, afterSeq: 1, lastSeq: 1 + profile.catchUpMessages }));
    const { result: storm, cpuMicros } = await measureCpu([target.pid], () => driver.call('catchUp', { url: target.url, users }));
    console.log(`  [e] ${storm.complete}/${storm.users} complete in ${storm.allHeldMs} ms, ${storm.messagesHeld}/${storm.messagesExpected} held, duplicates ${storm.duplicates}, sync errors ${storm.syncErrors}`);
    const errors = sent.errors + storm.syncErrors + storm.duplicates + (storm.users - storm.complete) + (storm.messagesExpected - storm.messagesHeld);
    return {
      id: 'e',
      title: `catch-up storm: ${pairs.length} users reconnect at once after ${profile.catchUpMessages} messages each`,
      table: [
        { measure: 'time until all hold everything, ms', ours: storm.allHeldMs, baseline: '', ratio: '' },
        { measure: 'per user done, p50 / p99 ms', ours: `${storm.userDone.p50} / ${storm.userDone.p99}`, baseline: '', ratio: '' },
        { measure: 'users complete', ours: `${storm.complete} / ${storm.users}`, baseline: '', ratio: '' },
        { measure: 'messages held / expected', ours: `${storm.messagesHeld} / ${storm.messagesExpected}`, baseline: '', ratio: '' },
        { measure: 'duplicates', ours: storm.duplicates, baseline: '', ratio: '' },
        { measure: 'sync calls', ours: storm.syncCalls, baseline: '', ratio: '' },
        { measure: 'server CPU during the storm, ms', ours: Math.round(cpuMicros / 1000), baseline: '', ratio: '' },
      ],
      targets: [
        { target: 'complete: every user holds every message', met: storm.complete === storm.users && storm.messagesHeld === storm.messagesExpected, detail: `${storm.complete}/${storm.users}` },
        { target: 'exact: nothing duplicated, no errors', met: errors === 0, detail: `duplicates ${storm.duplicates}, errors ${sent.errors + storm.syncErrors}` },
        { target: 'reported: time until all hold everything', met: true, detail: `${storm.allHeldMs} ms` },
      ],
      errors,
      details: { sent: { ...sent, ackedIds: undefined }, storm },
    };
  } finally {
    await driver.call('disconnect', {});
    await target.stop();
  }
}
