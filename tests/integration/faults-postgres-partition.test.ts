import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, createUser } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';

/**
 * A network between the node and Postgres that stops carrying anything, both ways, with no error (a
 * partition, a dead peer): unlike a stopped server, nothing tells the node. A TCP relay of the test's own
 * stands in for the network; the shared Postgres behind it is not touched.
 */
function partitionableRelay(target: URL) {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => void (cut || to.write(chunk)));
      from.on('error', () => {});
      from.on('close', () => to.destroy());
    }
  });
  return {
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    cut: () => void (cut = true),
    heal: () => void (cut = false),
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const relay = partitionableRelay(new URL(TEST_DATABASE_URL));
let node: AppServer;

beforeAll(async () => {
  const port = await relay.listen();
  const url = new URL(TEST_DATABASE_URL);
  url.host = `127.0.0.1:${port}`;
  node = await startAppServer({ DATABASE_URL: url.toString(), DATABASE_QUERY_TIMEOUT_MS: '2000' });
});

afterAll(async () => {
  await node?.stop('SIGKILL');
  relay.close();
});

describe('Postgres unreachable with no error (a partition)', () => {
  it('answers REST reads 503 `unavailable` within the query timeout instead of hanging, and recovers without a restart', async () => {
    const alice = await createUser(node.url, 'pp');
    expect((await api(node.url, '/api/v1/rooms', { token: alice.token })).status).toBe(200);

    relay.cut();
    const during = await api(node.url, '/api/v1/rooms', { token: alice.token });
    expect(during).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });

    relay.heal();
    // The connections that timed out were dropped; new ones carry the next requests.
    expect((await api(node.url, '/api/v1/rooms', { token: alice.token })).status).toBe(200);
    expect(node.process.exitCode).toBeNull();
  });
});
