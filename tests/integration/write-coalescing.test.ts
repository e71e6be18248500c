import type { Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userRoom } from '@/lib/realtime/contract';
import { startInProcessRealtime, type InProcessRealtime } from '../helpers/in-process-runtime';
import { waitFor } from '../helpers/wait';

// What a busy socket is sent in one turn (acks, echoes, receipts) leaves in one write to the kernel
// instead of one per frame (docs/performance.md, writes to sockets), in order and complete.
let app: InProcessRealtime;
beforeAll(async () => {
  app = await startInProcessRealtime();
});
afterAll(async () => app?.close());

type Engine = { transport: { socket: { _socket: NetSocket } } };

/** Counts the writes the connection's TCP socket hands to the kernel, one per `_write`/`_writev`. */
function countWrites(raw: NetSocket) {
  const counted = { writes: 0 };
  const patched = raw as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  for (const method of ['_write', '_writev'] as const) {
    const original = patched[method].bind(raw);
    patched[method] = (...args: unknown[]) => {
      counted.writes++;
      return original(...args);
    };
  }
  return counted;
}

describe('write coalescing', () => {
  it('sends the frames one turn queues for a socket in at most two writes, all of them, in order', async () => {
    const alice = await app.connectedUser('alice');
    const { client, socket } = alice;
    try {
      const counted = countWrites((socket.conn as unknown as Engine).transport.socket._socket);
      const received: number[] = [];
      client.on('unread', (payload) => void received.push(payload.count));

      // One turn: twenty frames for Alice. The first flush goes out on the next tick, the rest (held by
      // engine.io until that write completes) in one more.
      for (let n = 1; n <= 20; n++) app.io.to(userRoom(alice.user.id)).emit('unread', { roomId: 'probe', count: n, readSeq: 0, mentions: 0 });

      await waitFor(() => received.length === 20, 5_000, 'all twenty frames');
      expect(received).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(counted.writes).toBeLessThanOrEqual(2);
    } finally {
      client.disconnect();
    }
  });
});
