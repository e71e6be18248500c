import { createServer } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { asUnavailable, isClientAbort, isDatabaseUnavailable } from '@/server/db/errors';
import { AppError } from '@/lib/errors';

// A client that goes away mid-body is its own doing: not a database outage (503, logged as one).
describe('a request whose client went away before its body ended', () => {
  let caught: Promise<unknown>;
  const server = createServer((request) => {
    caught = (async () => {
      const reader = (Readable.toWeb(request) as ReadableStream<Uint8Array>).getReader();
      try {
        for (;;) if ((await reader.read()).done) return null;
      } catch (error) {
        return error;
      }
    })();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is told apart from a database that went away', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /api/v1/rooms/x/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"body":"cut');
    await expect.poll(() => caught !== undefined).toBe(true);
    socket.destroy();
    const error = await caught;
    expect(error).toBeInstanceOf(Error);

    expect(isClientAbort(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(asUnavailable(error)).toBe(error);
    // The database's own reset still is an outage.
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    expect(isDatabaseUnavailable(reset)).toBe(true);
    expect(asUnavailable(reset)).toBeInstanceOf(AppError);
  });
});
