// `npm run bench:room-lists`: members of one big group all ask for their room list at once (what
// scenario (h3)'s hybrid announcements make the web client do). Reports how many were served, refused
// (503) or failed, and whether the node survived. BENCH_BIG_GROUP_SIZE members (10,000), STORM_CALLERS
// callers at once (3,000). Before the roster-read admission limit, 3,000 ran the node out of heap.
// First, SINGLE_LISTS (40) lists one after another: the node's CPU for one list, measured from /proc.
import { startAppServer } from '../tests/helpers/app-server';
import { bigGroupMembers, freshCopyWithBigGroup, loadFixture } from './lib/fixture';
import { profile } from './lib/profile';
import { cpuMicros } from './lib/proc';
import { BENCH_LIMITS } from './lib/servers';
import { runScript } from './lib/run-script';

async function main() {
  const fixture = await loadFixture(profile);
  const size = profile.bigGroupSize;
  const callers = Number(process.env.STORM_CALLERS ?? 3_000);
  const database = await freshCopyWithBigGroup(profile, fixture, size);
  const relay = await startAppServer({ ...BENCH_LIMITS, DATABASE_URL: database, REDIS_URL: '' });
  const members = bigGroupMembers(fixture, size);
  const list = (user: { token: string }) => fetch(`${relay.url}/api/v1/rooms`, { headers: { authorization: `Bearer ${user.token}`, 'accept-encoding': 'gzip' } });
  // Warm-up (Next's route compiled in, the plans cached), then one list at a time.
  for (const user of members.slice(0, 5)) await (await list(user)).arrayBuffer();
  const singles = members.slice(5, 5 + Number(process.env.SINGLE_LISTS ?? 40));
  const cpuBefore = cpuMicros(relay.process.pid!);
  const walls: number[] = [];
  let bytes = 0;
  for (const user of singles) {
    const started = performance.now();
    const response = await list(user);
    bytes += (await response.arrayBuffer()).byteLength;
    if (response.status !== 200) throw new Error(`GET /rooms: ${response.status}`);
    walls.push(performance.now() - started);
  }
  const cpuPerList = (cpuMicros(relay.process.pid!) - cpuBefore) / singles.length / 1000;
  walls.sort((a, b) => a - b);
  console.log(`one list at a time (${singles.length}): node CPU ${cpuPerList.toFixed(1)} ms per list, wall p50 ${walls[walls.length >> 1].toFixed(1)} ms, ${Math.round(bytes / singles.length / 1024)} KiB each`);
  const outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  const start = performance.now();
  await Promise.all(
    members
      .slice(0, callers)
      .map(async (user) => {
        try {
          const response = await fetch(`${relay.url}/api/v1/rooms`, { headers: { authorization: `Bearer ${user.token}` } });
          const body = await response.text();
          count(response.status === 200 ? '200' : `${response.status} ${body.slice(0, 120)}`);
        } catch (error) {
          count(`failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
        }
      }),
  );
  const survived = relay.process.exitCode === null && relay.process.signalCode === null;
  console.log(`${callers} room lists at once in a group of ${size}: ${Math.round(performance.now() - start)} ms; node ${survived ? 'up' : 'DIED'}`);
  for (const [outcome, times] of outcomes) console.log(`  ${times} × ${outcome}`);
  if (!survived) console.log(relay.output().split('\n').slice(-20).join('\n'));
  await relay.stop();
}

runScript(main);
