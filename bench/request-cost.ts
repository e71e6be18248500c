// `npm run bench:requests`: what one HTTP request costs a Relay node, by route, from /proc: its main
// thread (the event loop) and all its threads (a password hash runs on others). Baseline in the same
// node and run: Socket.IO's polling handshake, a request that never enters Next. REQUESTS (2,000) per
// route and SIGN_INS (200), CONCURRENCY (4) in flight, after a warm-up; clients accept gzip, as browsers do.
import { startAppServer } from '../tests/helpers/app-server';
import { createUser } from '../tests/helpers/clients';
import { adminQuery } from './lib/fixture';
import { profile } from './lib/profile';
import { cpuMicros, mainThreadCpuMicros } from './lib/proc';
import { BENCH_LIMITS, relayNodeArgs } from './lib/servers';
import { runScript } from './lib/run-script';

const REQUESTS = Number(process.env.REQUESTS ?? 2_000);
const SIGN_INS = Number(process.env.SIGN_INS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const WARM_UP = 50;

async function main() {
  const databaseUrl = Object.assign(new URL(profile.databaseUrl), { pathname: '/relay_bench_requests' }).href;
  await adminQuery(databaseUrl, 'DROP DATABASE IF EXISTS relay_bench_requests WITH (FORCE)');
  await adminQuery(databaseUrl, 'CREATE DATABASE relay_bench_requests');
  // BENCH_RELAY_NODE_ARGS as for `npm run bench` (e.g. --cpu-prof; the node is stopped with SIGTERM, which writes it).
  const relay = await startAppServer({ ...BENCH_LIMITS, DATABASE_URL: databaseUrl, REDIS_URL: '' }, { nodeArgs: relayNodeArgs() });
  const pid = relay.process.pid!;
  const user = await createUser(relay.url, 'bench_req');
  const get = (path: string) => () => fetch(relay.url + path, { headers: { authorization: `Bearer ${user.token}`, 'accept-encoding': 'gzip' } });
  const signIn = () =>
    fetch(`${relay.url}/api/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: JSON.stringify({ username: user.handle, password: user.password }) });

  const measure = async (count: number, request: () => Promise<Response>) => {
    for (let i = 0; i < WARM_UP; i++) await (await request()).arrayBuffer();
    const [mainBefore, allBefore] = [mainThreadCpuMicros(pid), cpuMicros(pid)];
    const statuses = new Set<number>();
    let started = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (started++ < count) {
          const response = await request();
          await response.arrayBuffer();
          statuses.add(response.status);
        }
      }),
    );
    const perRequest = (after: number, before: number) => (after - before) / count / 1000;
    return { ms: perRequest(mainThreadCpuMicros(pid), mainBefore), allMs: perRequest(cpuMicros(pid), allBefore), statuses: [...statuses].join(', ') };
  };

  const baseline = await measure(REQUESTS, get('/socket.io/?EIO=4&transport=polling'));
  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [
    ['GET /socket.io/ (polling handshake, no Next): baseline', baseline],
    ['GET /api/health', await measure(REQUESTS, get('/api/health'))],
    ['GET /api/v1/me', await measure(REQUESTS, get('/api/v1/me'))],
    ['GET /api/v1/nothing (404)', await measure(REQUESTS, get('/api/v1/nothing'))],
    ['POST /api/v1/tokens (password sign-in)', await measure(SIGN_INS, signIn)],
  ];
  console.log(`| request | status | main-thread CPU per request | × baseline | all threads |\n| --- | --- | --- | --- | --- |`);
  for (const [name, { ms, allMs, statuses }] of rows) console.log(`| ${name} | ${statuses} | ${ms.toFixed(2)} ms | ${(ms / baseline.ms).toFixed(1)} | ${allMs.toFixed(2)} ms |`);
  await relay.stop();
}

runScript(main);
