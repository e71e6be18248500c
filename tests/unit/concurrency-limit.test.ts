import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HASHING_AT_ONCE, checkPassword, hashPassword, passwordHashing } from '@/server/auth/password';
import { HASHING_NICE } from '@/server/auth/hashing-threads';
import { ConcurrencyLimit } from '@/server/ops/concurrency-limit';

/** A task the test finishes by hand, recording when it started. */
function gate(started: string[], name: string) {
  let finish: (fail?: boolean) => void = () => {};
  const task = () =>
    new Promise<string>((resolve, reject) => {
      started.push(name);
      finish = (fail) => (fail ? reject(new Error(`${name} failed`)) : resolve(name));
    });
  return { task, finish: (fail?: boolean) => finish(fail) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
// Real hashes on threads of low CPU priority: beside the integration tests' busy servers they get what
// the machine leaves idle, by design, so a few hashes can take seconds (CI once took over 5).
const HASHING_TEST_TIMEOUT_MS = 60_000;

describe('ConcurrencyLimit', () => {
  it('runs at most its limit at once, the rest in arrival order, and refuses past its queue', async () => {
    const limit = new ConcurrencyLimit(2, 2, 'busy');
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = [a, b, c, d].map((one) => limit.run(one.task));
    await expect(limit.run(async () => 'e')).rejects.toMatchObject({ code: 'unavailable', message: 'busy' });
    await turn();
    expect(started).toEqual(['a', 'b']);
    expect(limit.load).toEqual({ running: 2, waiting: 2 });

    // A failed task frees its slot as a finished one does.
    b.finish(true);
    await expect(results[1]).rejects.toThrow('b failed');
    await turn();
    expect(started).toEqual(['a', 'b', 'c']);
    a.finish();
    await turn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    c.finish();
    d.finish();
    expect(await Promise.all([results[0], results[2], results[3]])).toEqual(['a', 'c', 'd']);
    expect(limit.load).toEqual({ running: 0, waiting: 0 });
  });

  it('is what password hashing and checking go through, one at a time per core', async () => {
    expect(HASHING_AT_ONCE).toBe((await import('node:os')).availableParallelism());
    const stored = await hashPassword('correct horse');
    const checks = [
      checkPassword('correct horse', stored),
      checkPassword('wrong', stored),
      checkPassword('correct horse', undefined),
      ...Array.from({ length: HASHING_AT_ONCE + 2 }, () => hashPassword('another')),
    ];
    const total = checks.length;
    expect(passwordHashing.load).toEqual({ running: HASHING_AT_ONCE, waiting: total - HASHING_AT_ONCE });
    const [right, wrong, nobody] = await Promise.all(checks);
    expect([right, wrong, nobody]).toEqual([true, false, false]);
    expect(passwordHashing.load).toEqual({ running: 0, waiting: 0 });
  }, HASHING_TEST_TIMEOUT_MS);

  it('hashes on threads of low CPU priority, the event loop keeping its own', async () => {
    const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const mainNice = niceOf(String(process.pid));
    const stored = await Promise.all(Array.from({ length: HASHING_AT_ONCE }, () => hashPassword('correct horse')));
    expect(await checkPassword('correct horse', stored[0])).toBe(true);
    const lowered = readdirSync('/proc/self/task').filter((task) => niceOf(task) === Math.min(19, mainNice + HASHING_NICE));
    // One thread per hash that ran at once; nothing else of the process was lowered.
    expect(lowered).toHaveLength(HASHING_AT_ONCE);
    expect(niceOf(String(process.pid))).toBe(mainNice);
  }, HASHING_TEST_TIMEOUT_MS);
});
