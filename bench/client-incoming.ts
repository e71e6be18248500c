// `npm run bench:client`: what Relay's web client spends, on the browser's main thread, per message that
// arrives in the conversation it has open. Bob has the direct conversation open in Chromium while Alice
// posts BENCH_CLIENT_MESSAGES (200) messages over REST at BENCH_CLIENT_RATE (20/s), open loop. Baseline,
// same run and browser: a bare page on bare Socket.IO (bench/lib/bare-page-server.ts) getting the same
// payloads at the same rate. Needs the production build, Postgres on 127.0.0.1 and a Redis of its own.
// BENCH_CLIENT_APP: another checkout's build to measure (e.g. a worktree at an older commit).
// BENCH_CLIENT_PROFILE=<file>: also a CPU profile of Relay's page over the measured window (its own
// cost included, so that run's figures read high), and its top functions by self time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { api, connect, createUser, emitAck, type TestUser } from '../tests/helpers/clients';
import type { ChatMessage } from '@/lib/schemas';
import { startRelayAt } from './lib/app-at';
import { adminQuery } from './lib/fixture';
import { type IncomingResult, measureIncoming } from './lib/incoming-load';
import { runScript } from './lib/run-script';

const root = path.resolve(import.meta.dirname, '..');
const COUNT = Number(process.env.BENCH_CLIENT_MESSAGES ?? 200);
const RATE = Number(process.env.BENCH_CLIENT_RATE ?? 20);
const WARMUP = Number(process.env.BENCH_CLIENT_WARMUP ?? 5);
const PORT = Number(process.env.BENCH_CLIENT_PORT ?? 3700);
const APP = path.resolve(process.env.BENCH_CLIENT_APP ?? root);
const DATABASE_URL = process.env.BENCH_CLIENT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench_client';
const REDIS_URL = process.env.BENCH_CLIENT_REDIS_URL ?? 'redis://127.0.0.1:6395';
const RESULTS = process.env.BENCH_CLIENT_RESULTS ?? path.join(root, 'bench/results/client-incoming.md');

const body = (index: number) => `bench message ${index}: an ordinary line of chat, long enough to wrap on a phone perhaps`;

/** Alice and Bob with an accepted direct conversation, made through the public API as a new pair would. */
async function acceptedPair(url: string) {
  const [alice, bob] = [await createUser(url, 'alice', 'Alice'), await createUser(url, 'bob', 'Bob')];
  const socket = await connect(url, { token: alice.token });
  const first = await emitAck(socket, 'message:send', { to: bob.handle, clientMsgId: crypto.randomUUID(), body: 'hello' });
  socket.close();
  const roomId: string = first.message.roomId;
  const accepted = await api(url, `/api/v1/requests/${roomId}/accept`, { method: 'POST', token: bob.token });
  if (accepted.status >= 300) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { alice, bob, roomId };
}

const DATABASE = new URL(DATABASE_URL).pathname.slice(1);

async function relayRun(browser: Browser) {
  await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE ${DATABASE}`);
  execFileSync('redis-cli', ['-u', REDIS_URL, 'flushall'], { stdio: 'ignore' });
  const relay = await startRelayAt(APP, { port: PORT, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL });
  try {
    const { alice, bob, roomId } = await acceptedPair(relay.url);
    const context = await browser.newContext({ baseURL: relay.url });
    const page = await context.newPage();
    // A page that throws can look fast: its errors are reported with the figures.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, bob);
    await page.goto(`/c/${roomId}`);
    await page.getByRole('list', { name: 'Messages' }).getByText('hello').waitFor();
    const messages: ChatMessage[] = [];
    const post = (index: number) => postToRelay(relay.url, alice, roomId, index).then((message) => (messages[index] = message).id);
    const result = await measureIncoming(page, post, { warmup: WARMUP, count: COUNT, rate: RATE, profile: process.env.BENCH_CLIENT_PROFILE });
    await context.close();
    if (errors.length > 0) console.error(`Relay's page threw ${errors.length} errors, first: ${errors[0]}`);
    return { result, messages, commit: relay.commit };
  } catch (error) {
    console.error(relay.output().split('\n').slice(-30).join('\n'));
    throw error;
  } finally {
    await relay.stop();
    await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

async function signIn(page: Page, user: TestUser) {
  await page.goto('/signin');
  await page.getByLabel('Username').fill(user.handle);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function postToRelay(url: string, alice: TestUser, roomId: string, index: number): Promise<ChatMessage> {
  const reply = await api(url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: crypto.randomUUID(), body: body(index) } });
  if (reply.status !== 201) throw new Error(`POST message ${index}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.message;
}

/** The bare page gets Relay's own payloads of this run, stamped with the time they are pushed. */
async function bareRun(browser: Browser, messages: ChatMessage[]) {
  const { child, url } = await startBarePage(PORT + 1);
  try {
    const page = await (await browser.newContext({ baseURL: url })).newPage();
    await page.goto('/');
    await page.locator('body[data-connected="true"]').waitFor({ state: 'attached' });
    const post = async (index: number) => {
      const message = { ...messages[index], createdAt: new Date().toISOString() };
      const response = await fetch(`${url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
      if (response.status !== 201) throw new Error(`bare POST: ${response.status}`);
      return ((await response.json()) as { message: ChatMessage }).message.id;
    };
    const result = await measureIncoming(page, post, { warmup: WARMUP, count: COUNT, rate: RATE });
    await page.context().close();
    return result;
  } finally {
    child.kill('SIGTERM');
  }
}

async function startBarePage(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-page-server.ts'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => /ready \d+/.test(chunk.toString()) && resolve());
    child.once('exit', (code) => reject(new Error(`bare page server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

function machine(browserVersion: string) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? 'unknown CPU';
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? 0;
  return `${cores} cores, ${model}; Chromium ${browserVersion} (headless, --disable-gpu)`;
}

const ms = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
const ratio = (ours: number, bare: number) => (bare > 0 ? `×${(ours / bare).toFixed(1)}` : '—');

function report(relay: IncomingResult, bare: IncomingResult, header: { commit: string; machine: string; load: string }) {
  const rows: [string, (result: IncomingResult) => number][] = [
    ['main-thread CPU (TaskDuration, thread time), ms', (result) => result.taskMs],
    ['of which script (ScriptDuration), ms', (result) => result.scriptMs],
    ['of which style and layout, ms', (result) => result.layoutMs],
    ['main-thread tasks in wall time, ms', (result) => result.taskWallMs],
  ];
  const lags: [string, (result: IncomingResult) => number, boolean][] = [
    ['behind: last POST answered → all rows in, ms', (result) => result.lagMs, false],
    ['last POST sent → all rows in, ms', (result) => result.lagFromSendMs, true],
    ['each row after its POST answered, p50, ms', (result) => result.rowLag.p50, false],
    ['each row after its POST answered, max, ms', (result) => result.rowLag.max, false],
  ];
  return [
    `Incoming messages in an open conversation: ${COUNT} at ${RATE}/s (after ${WARMUP} to warm up), Relay at ${header.commit}, ${new Date().toISOString().slice(0, 16)}Z`,
    `Machine: ${header.machine}; load ${header.load}; bench sent its latest POST ${ms(relay.sendLateMs)} ms (Relay) / ${ms(bare.sendLateMs)} ms (bare) late; page idle ${ms(relay.settleMs)} / ${ms(bare.settleMs)} ms after the last row`,
    '',
    '| per incoming message | Relay | bare page | Relay / bare |',
    '| --- | --- | --- | --- |',
    ...rows.map(([label, value]) => `| ${label} | ${ms(value(relay))} | ${ms(value(bare))} | ${ratio(value(relay), value(bare))} |`),
    '',
    '| lag | Relay | bare page | Relay / bare |',
    '| --- | --- | --- | --- |',
    // The bare server pushes before it answers the POST, so its "behind" is about 0 (or below): no
    // ratio there; from the POST's request both sides are positive.
    ...lags.map(([label, value, ratioed]) => `| ${label} | ${ms(value(relay))} | ${ms(value(bare))} | ${ratioed ? ratio(value(relay), value(bare)) : ''} |`),
    '',
  ].join('\n');
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const relay = await relayRun(browser);
    const bare = await bareRun(browser, relay.messages);
    const text = report(relay.result, bare, { commit: relay.commit, machine: machine(browser.version()), load: loadavg().map((value) => value.toFixed(1)).join(' ') });
    console.log(text);
    if (relay.result.profileTop) {
      console.log(`Relay's page, self time over the window (profile in ${process.env.BENCH_CLIENT_PROFILE}):`);
      for (const { name, selfMs } of relay.result.profileTop) console.log(`  ${selfMs.toFixed(0).padStart(6)} ms  ${name}`);
    }
    writeFileSync(RESULTS, text);
    console.log(`written to ${path.relative(process.cwd(), RESULTS)}`);
  } finally {
    await browser.close();
  }
}

runScript(main);
