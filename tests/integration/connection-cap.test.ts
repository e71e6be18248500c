import { connect as connectTcp, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { METRICS_ENV, METRICS_TOKEN } from '../helpers/metrics';
import { waitFor } from '../helpers/wait';

// Every connection is a file descriptor. A node whose connections used up its open-file limit could no
// longer open files or database connections and answered the requests it had taken with 500s (10,000
// sockets beside 10,000 room lists, docs/performance.md). Past MAX_CONNECTIONS it closes new ones on arrival.
const CAP = 3;
let node: AppServer;
const open: Socket[] = [];

beforeAll(async () => {
  node = await startAppServer({ MAX_CONNECTIONS: String(CAP), ...METRICS_ENV });
}, 90_000);

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await node?.stop();
});

/**
 * One request on a connection of its own (raw, so no client pool holds connections behind the test's
 * back): the response's head, or null when the node closed the connection without answering.
 */
function request(path: string, options: { keepOpen: boolean; headers?: Record<string, string> }) {
  const socket = connectTcp(node.port, '127.0.0.1');
  open.push(socket);
  const head = Object.entries({ host: '127.0.0.1', connection: options.keepOpen ? 'keep-alive' : 'close', ...options.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`GET ${path} HTTP/1.1\r\n${head}\r\n`);
  return new Promise<string | null>((resolve) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (options.keepOpen && received.includes('\r\n\r\n')) resolve(received);
    });
    socket.on('error', () => resolve(received || null));
    socket.on('close', () => resolve(received || null));
  });
}

describe('connection cap', () => {
  it('closes connections past MAX_CONNECTIONS on arrival, counts them, and takes new ones once some close', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => request('/api/health', { keepOpen: true })));
    for (const answer of held) expect(answer).toMatch(/^HTTP\/1\.1 200/);

    // One more: closed without an answer, while the ones held stay served.
    expect(await request('/api/health', { keepOpen: false })).toBeNull();
    const readBefore = open[0].bytesRead;
    open[0].write('GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await waitFor(() => open[0].bytesRead > readBefore, 5_000, 'a held connection answered again');

    // Room again once connections close; the metric counts what was closed on arrival.
    open[1].destroy();
    open[2].destroy();
    let metrics: string | null = null;
    await waitFor(async () => {
      metrics = await request('/api/metrics', { keepOpen: false, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      return metrics !== null;
    }, 10_000, 'a connection taken again');
    expect(metrics).toMatch(/^HTTP\/1\.1 200/);
    expect(metrics).toMatch(/^relay_connections_dropped_total [1-9]/m);
  });
});
