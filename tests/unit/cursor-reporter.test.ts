import { describe, expect, it, vi } from 'vitest';
import { cursorReporter } from '@/lib/realtime/cursor-reporter';

/** A send the test answers by hand: the reports made, in order, each with its answer. */
function fakeSend() {
  const sent: { roomId: string; seq: number; answer: (later?: { retryAfterMs: number }) => void; fail: () => void }[] = [];
  const send = (roomId: string, seq: number) =>
    new Promise<{ retryAfterMs: number } | void>((resolve, reject) => sent.push({ roomId, seq, answer: resolve, fail: () => reject(new Error('timeout')) }));
  return { sent, send, reports: () => sent.map(({ roomId, seq }) => [roomId, seq]) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('cursor reporter: one report in flight per room, the last seq always sent', () => {
  it('sends the first at once and merges the rest into the highest, sent when the answer comes', async () => {
    const { sent, send, reports } = fakeSend();
    const { report } = cursorReporter(send);
    for (let seq = 1; seq <= 100; seq += 1) report('r1', seq);
    expect(reports()).toEqual([['r1', 1]]);
    sent[0].answer();
    await settle();
    expect(reports()).toEqual([['r1', 1], ['r1', 100]]);
    sent[1].answer();
    await settle();
    // Nothing left over: the next report goes at once.
    report('r1', 101);
    expect(reports()).toEqual([['r1', 1], ['r1', 100], ['r1', 101]]);
  });

  it('keeps rooms apart, ignores seqs already sent or queued, and goes on after a failed report', async () => {
    const { sent, send, reports } = fakeSend();
    const { report } = cursorReporter(send);
    report('r1', 5);
    report('r2', 3);
    report('r1', 9);
    report('r1', 7);
    report('r1', 4);
    report('r2', 2);
    expect(reports()).toEqual([['r1', 5], ['r2', 3]]);
    sent[0].fail();
    sent[1].answer();
    await settle();
    // r2 had nothing newer; r1's highest still goes although the report before it failed.
    expect(reports()).toEqual([['r1', 5], ['r2', 3], ['r1', 9]]);
  });
});

describe('cursor reporter: a report that got no answer (offline)', () => {
  it('is sent again, at its highest seq, when asked to (on reconnect); one answered or covered since is not', async () => {
    const { sent, send, reports } = fakeSend();
    const { report, resendUnanswered } = cursorReporter(send);
    report('r1', 4);
    report('r2', 7);
    report('r3', 2);
    sent[0].fail();
    sent[1].fail();
    sent[2].answer();
    await settle();
    // r2 was covered by a later report that was answered.
    report('r2', 8);
    sent[3].answer();
    await settle();
    resendUnanswered();
    expect(reports()).toEqual([['r1', 4], ['r2', 7], ['r3', 2], ['r2', 8], ['r1', 4]]);
    sent[4].answer();
    await settle();
    // Nothing is left to send again.
    resendUnanswered();
    expect(reports()).toHaveLength(5);
  });
});

describe('cursor reporter: a report the server asks to be tried later (busy, or too many)', () => {
  it('goes again by itself after the wait, at the highest seq kept, unless a later answered report covered it', async () => {
    const { sent, send, reports } = fakeSend();
    const { report } = cursorReporter(send);
    report('r1', 4);
    report('r2', 7);
    // r2's wait is set first, so it ends first: once r1 has gone again, r2 would have too.
    sent[1].answer({ retryAfterMs: 20 });
    sent[0].answer({ retryAfterMs: 20 });
    await settle();
    // r2 is covered meanwhile by a later report, answered.
    report('r2', 9);
    sent[2].answer();
    await vi.waitFor(() => expect(reports()).toHaveLength(4));
    expect(reports()).toEqual([['r1', 4], ['r2', 7], ['r2', 9], ['r1', 4]]);
  });

  it('sends nothing more once stopped (the client closed) while it waits', async () => {
    vi.useFakeTimers();
    try {
      const { sent, send, reports } = fakeSend();
      const { report, stop } = cursorReporter(send);
      report('r1', 4);
      sent[0].answer({ retryAfterMs: 20 });
      await vi.advanceTimersByTimeAsync(0);
      // And an answer still to come: neither its wait nor the report queued behind it.
      report('r2', 1);
      report('r2', 2);
      stop();
      sent[1].answer({ retryAfterMs: 20 });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(reports()).toEqual([['r1', 4], ['r2', 1]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
