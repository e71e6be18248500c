import type { CDPSession, Page } from '@playwright/test';
import { profilePage } from './page-profile';

// What a page's main thread spends on messages pushed to it (bench/client-incoming.ts), measured the same
// way on Relay's conversation and on the bare page: the page only has to hold an
// `ol[aria-label="Messages"]` whose rows carry `data-message-id`.

/** Posts message `index` to the page's conversation and gives its id once the server has answered. */
export type Post = (index: number) => Promise<string>;

export type IncomingResult = {
  messages: number;
  rate: number;
  /** Main-thread CPU per message (CDP TaskDuration and ScriptDuration in thread time), ms. */
  taskMs: number;
  scriptMs: number;
  /** Style recalculation and layout (RecalcStyleDuration + LayoutDuration), ms per message. */
  layoutMs: number;
  /** The same tasks in wall time (a task's time off the core included), ms per message. */
  taskWallMs: number;
  /** From the last POST's response until every row is in the DOM, ms: how far behind the page was. */
  lagMs: number;
  /** From the last POST's request until every row is in the DOM (the server's part included), ms. */
  lagFromSendMs: number;
  /** Each row's appearance after its own POST's response, ms (negative: pushed before the POST answered). */
  rowLag: { p50: number; max: number };
  /** How late the bench itself sent its latest POST against the schedule, ms (a saturated machine). */
  sendLateMs: number;
  /** From the last row until the page was idle (inside the measured window), ms. */
  settleMs: number;
  /** With `profile`: the functions with the most self time in the measured window. */
  profileTop?: { name: string; selfMs: number }[];
};

// Installed in the page: notes when each row not yet on screen first enters the DOM (epoch ms, the same
// clock as the bench's `epochNow`) and resolves `until(n)` once n such rows are in. Plain JS in a string:
// tsx would wrap functions handed to page.evaluate in helpers the page does not have.
const PROBE = `(() => {
  const rows = 'ol[aria-label="Messages"] li[data-message-id]';
  const now = () => performance.timeOrigin + performance.now();
  const known = new Set(Array.from(document.querySelectorAll(rows), (row) => row.dataset.messageId));
  const seen = new Map();
  let wanted = Infinity;
  let done = null;
  const note = (row) => {
    const id = row.dataset.messageId;
    if (!known.has(id) && !seen.has(id)) seen.set(id, now());
  };
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(rows)) note(node);
        node.querySelectorAll(rows).forEach(note);
      }
    if (done && seen.size >= wanted) done();
  }).observe(document.body, { childList: true, subtree: true });
  window.__incoming = {
    seen,
    until: (count) => new Promise((resolve) => {
      wanted = count;
      done = resolve;
      if (seen.size >= wanted) resolve();
    }),
  };
})()`;

const epochNow = () => performance.timeOrigin + performance.now();

// Resolves at the page's next idle period: the work a batch of messages set off (effects, receipts,
// scrolling) is then over. The timeout only bounds a page that never idles.
const idle = (page: Page) => page.evaluate('new Promise((resolve) => requestIdleCallback(() => resolve(), { timeout: 5000 }))');

async function metrics(session: CDPSession) {
  const { metrics } = await session.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}

/** Posts `count` messages open-loop: message i at start + i / rate, whatever became of the ones before. */
async function offer(post: Post, from: number, count: number, rate: number) {
  const start = performance.now() + 20;
  let sendLateMs = 0;
  const sent = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const due = start + (index * 1000) / rate;
      await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      sendLateMs = Math.max(sendLateMs, performance.now() - due);
      const sentAt = epochNow();
      const id = await post(from + index);
      return { id, sentAt, respondedAt: epochNow() };
    }),
  );
  return { sent, sendLateMs };
}

/**
 * Warms the page up with `warmup` messages, then measures `count` more at `rate` per second: the page's
 * main-thread time from the first POST until every row is in and the page is idle again, and how far
 * behind the last POST the rows came.
 */
export async function measureIncoming(page: Page, post: Post, options: { warmup: number; count: number; rate: number; profile?: string }): Promise<IncomingResult> {
  // Two sessions: the Performance domain reports thread time (CPU) or wall time, one per session.
  const cpu = await page.context().newCDPSession(page);
  const wall = await page.context().newCDPSession(page);
  await cpu.send('Performance.enable', { timeDomain: 'threadTicks' });
  await wall.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.evaluate(PROBE);

  // Warm-up: lazy code loaded and compiled, the socket's first messages handled, outside the window.
  await offer(post, 0, options.warmup, options.rate);
  await page.evaluate(`window.__incoming.until(${options.warmup})`);
  await idle(page);

  const [cpuBefore, wallBefore] = await Promise.all([metrics(cpu), metrics(wall)]);
  const run = async () => {
    const offered = await offer(post, options.warmup, options.count, options.rate);
    await page.evaluate(`window.__incoming.until(${options.warmup + options.count})`);
    const settleStart = performance.now();
    await idle(page);
    return { ...offered, settleMs: performance.now() - settleStart };
  };
  // Profiled on request only: sampling costs the page time of its own.
  const measured = options.profile ? await profilePage(wall, options.profile, run) : { result: await run(), top: undefined };
  const { sent, sendLateMs, settleMs } = measured.result;
  const [cpuAfter, wallAfter] = await Promise.all([metrics(cpu), metrics(wall)]);

  const seen = new Map<string, number>(await page.evaluate('Array.from(window.__incoming.seen)'));
  const missing = sent.filter(({ id }) => !seen.has(id));
  if (missing.length > 0) throw new Error(`${missing.length} posted messages never got a row, e.g. ${missing[0].id}`);
  const rowLags = sent.map(({ id, respondedAt }) => seen.get(id)! - respondedAt).sort((a, b) => a - b);
  const caughtUpAt = Math.max(...sent.map(({ id }) => seen.get(id)!));
  const lastResponse = Math.max(...sent.map(({ respondedAt }) => respondedAt));
  const lastSent = Math.max(...sent.map(({ sentAt }) => sentAt));
  const perMessage = (after: Record<string, number>, before: Record<string, number>, name: string) => ((after[name] - before[name]) * 1000) / options.count;
  await Promise.all([cpu.detach(), wall.detach()]);
  return {
    messages: options.count,
    rate: options.rate,
    taskMs: perMessage(cpuAfter, cpuBefore, 'TaskDuration'),
    scriptMs: perMessage(cpuAfter, cpuBefore, 'ScriptDuration'),
    layoutMs: perMessage(cpuAfter, cpuBefore, 'RecalcStyleDuration') + perMessage(cpuAfter, cpuBefore, 'LayoutDuration'),
    taskWallMs: perMessage(wallAfter, wallBefore, 'TaskDuration'),
    lagMs: caughtUpAt - lastResponse,
    lagFromSendMs: caughtUpAt - lastSent,
    rowLag: { p50: rowLags[rowLags.length >> 1], max: rowLags[rowLags.length - 1] },
    sendLateMs,
    settleMs,
    profileTop: measured.top,
  };
}
