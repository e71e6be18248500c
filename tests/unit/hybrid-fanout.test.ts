import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import type { RealtimeIo } from '@/server/realtime/create-realtime-server';
import { ADVANCE_WINDOW_MS, hybridFanout } from '@/server/realtime/hybrid-fanout';

type Emit = { to: string[]; except: string[]; event: string; payload: unknown };

/** Stands in for Socket.io's broadcast operator: records who each emit was addressed to. */
function recordingIo() {
  const emits: Emit[] = [];
  const operator = (to: string[], except: string[] = []) => ({
    except: (rooms: string | string[]) => operator(to, [...except, ...[rooms].flat()]),
    emit: (event: string, payload: unknown) => void emits.push({ to, except, event, payload }),
  });
  return { io: { to: (rooms: string | string[]) => operator([rooms].flat()) } as unknown as RealtimeIo, emits };
}

const message = (seq: number): ChatMessage => ({ id: `m${seq}`, roomId: 'g', seq, clientMsgId: `c${seq}`, sender: 'a', kind: 'text', body: '', createdAt: '', attachments: [] });
const audience = ['a', 'b', 'c'];

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('hybrid fan-out: when a room is hot, and how often non-viewers hear of it', () => {
  it('stays plain up to the threshold (audience × messages in the last second), then announces at most once per window, the last seq always', async () => {
    const { io, emits } = recordingIo();
    const hybrid = hybridFanout(io, 10);
    // 3, 6, 9 deliveries a second: not above 10, the caller pushes to everyone.
    expect([1, 2, 3].map((seq) => hybrid.messageNew(audience, message(seq)))).toEqual([false, false, false]);
    expect(emits).toEqual([]);
    // 12: hot. The message goes to the audience's viewer rooms, the announcement at once to the rest.
    expect(hybrid.messageNew(audience, message(4))).toBe(true);
    expect(emits).toEqual([
      { to: ['viewer:g:a', 'viewer:g:b', 'viewer:g:c'], except: [], event: 'message:new', payload: { message: message(4) } },
      { to: ['user:a', 'user:b', 'user:c'], except: ['viewers:g'], event: 'room:advanced', payload: { roomId: 'g', lastSeq: 4 } },
    ]);
    // Within the window: messages go to viewers, the announcement waits and carries the newest seq.
    hybrid.messageNew(audience, message(5));
    hybrid.messageNew(['a', 'b'], message(6));
    const advances = () => emits.filter((emit) => emit.event === 'room:advanced').map((emit) => emit.payload);
    expect(advances()).toEqual([{ roomId: 'g', lastSeq: 4 }]);
    await vi.advanceTimersByTimeAsync(ADVANCE_WINDOW_MS);
    expect(advances()).toEqual([{ roomId: 'g', lastSeq: 4 }, { roomId: 'g', lastSeq: 6 }]);
    // A quiet window ends it; the next message announces at once again.
    await vi.advanceTimersByTimeAsync(3 * ADVANCE_WINDOW_MS);
    expect(advances()).toHaveLength(2);
    hybrid.messageNew(audience, message(7));
    expect(advances()).toEqual([{ roomId: 'g', lastSeq: 4 }, { roomId: 'g', lastSeq: 6 }, { roomId: 'g', lastSeq: 7 }]);
    // Two quiet seconds later the room has cooled down: one message a second is 3 deliveries.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(hybrid.messageNew(audience, message(8))).toBe(false);
  });

  it('never goes hybrid with the threshold at 0', () => {
    const { io, emits } = recordingIo();
    const hybrid = hybridFanout(io, 0);
    for (let seq = 1; seq <= 100; seq += 1) expect(hybrid.messageNew(Array.from({ length: 500 }, (_, index) => `u${index}`), message(seq))).toBe(false);
    expect(emits).toEqual([]);
  });
});
