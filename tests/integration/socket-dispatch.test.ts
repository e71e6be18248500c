import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessRealtime, type InProcessRealtime } from '../helpers/in-process-runtime';
import { socketHandlers } from '@/server/realtime/handlers';

// A connection carries one dispatching listener, not one per event: an idle socket's memory is what a
// node holds tens of thousands of (docs/performance.md, heap per connection). Events still reach their
// handlers, in order where they must, and an unknown one is still answered.
let app: InProcessRealtime;
beforeAll(async () => {
  app = await startInProcessRealtime();
});
afterAll(async () => app?.close());

describe('socket dispatch', () => {
  it('serves every event through one listener per socket', async () => {
    const alice = await app.connectedUser('alice');
    const { client, socket } = alice;
    try {
      expect(socket.listenersAny()).toHaveLength(1);
      expect(socket.eventNames().filter((name) => name in socketHandlers)).toEqual([]);

      // Handled: a query, and in-order events answered in the order sent.
      expect(await client.timeout(5_000).emitWithAck('presence:query', { handles: [alice.user.handle] })).toMatchObject({ ok: true });
      const answers: unknown[] = [];
      await Promise.all(
        ['first', 'second'].map((text) =>
          client.timeout(5_000).emitWithAck('view:state', { roomId: null, visible: text === 'first', focused: false }).then((reply) => answers.push([text, reply])),
        ),
      );
      expect(answers).toEqual([
        ['first', { ok: true }],
        ['second', { ok: true }],
      ]);
      // Unknown, including names every object has: answered all the same.
      for (const event of ['no:such', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        expect(await (client.timeout(5_000).emitWithAck as (event: string, payload: unknown) => Promise<unknown>)(event, {})).toMatchObject({
          ok: false,
          error: { code: 'bad_request' },
        });
      }
    } finally {
      client.disconnect();
    }
  });
});
