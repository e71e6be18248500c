import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { throwawayPostgres } from '../helpers/throwaway-postgres';
import { waitFor } from '../helpers/wait';

// A cluster of our own that the test stops and starts (never the shared one). Port from the fault range.
const postgres = throwawayPostgres('relayfault', Number(process.env.FAULT_PG_PORT ?? 5461));
// "Fast": well under the client's ack timeout, so the outbox knows at once that the send is to be retried.
const FAST_MS = 3_000;
let node: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  postgres.create();
  node = await startAppServer({ DATABASE_URL: postgres.url });
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
  postgres.drop();
});

function handshakeError(url: string, token: string) {
  return connect(url, { token }).then(
    (socket) => {
      socket.close();
      return null;
    },
    (error: Error & { data?: unknown }) => ({ message: error.message, data: error.data }),
  );
}

describe('Postgres stopped during traffic', () => {
  it('refuses sends fast with `unavailable` (503), never acks them, refuses handshakes as unavailable, and recovers without a restart', async () => {
    const [alice, bob] = await Promise.all([createUser(node.url, 'pga'), createUser(node.url, 'pgb')]);
    const aliceSocket = await connect(node.url, { token: alice.token });
    const bobSocket = await connect(node.url, { token: bob.token });
    sockets.push(aliceSocket, bobSocket);
    const bobInbox = collectMessages(bobSocket);
    const first = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'pg-1', body: 'before' });
    expect(first.ok).toBe(true);
    const roomId = first.message.roomId;
    await api(node.url, `/api/v1/requests/${roomId}/accept`, { method: 'POST', token: bob.token });
    await bobInbox.waitFor(1);

    postgres.stop();

    // Over the socket: a distinct, retryable refusal, quickly.
    for (const clientMsgId of ['pg-2', 'pg-3']) {
      const started = Date.now();
      const reply = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId, body: `during ${clientMsgId}` });
      expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(Date.now() - started).toBeLessThan(FAST_MS);
    }
    // Over REST: 503 with the same code.
    const started = Date.now();
    const rest = await api(node.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'pg-rest', body: 'during rest' } });
    expect(rest).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    // A signed-in user connecting now is not told they are signed out.
    expect(await handshakeError(node.url, bob.token)).toEqual({
      message: 'unavailable',
      data: { code: 'unavailable', message: expect.any(String) },
    });

    postgres.start();

    // The same node, not restarted: the refused sends go through when retried, each stored once.
    await waitFor(async () => (await handshakeError(node.url, bob.token)) === null, 20_000, 'handshakes to succeed again');
    const retried = [];
    for (const clientMsgId of ['pg-2', 'pg-3']) {
      const reply = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId, body: `during ${clientMsgId}` });
      expect(reply.ok).toBe(true);
      retried.push(reply.message);
    }
    expect(retried.map((message) => message.seq)).toEqual([2, 3]);
    const restRetry = await api(node.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'pg-rest', body: 'during rest' } });
    expect(restRetry.status).toBe(201);
    expect(restRetry.body.message.seq).toBe(4);
    await bobInbox.waitFor(4);
    expect(bobInbox.received.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
    const history = await api(node.url, `/api/v1/rooms/${roomId}/messages`, { token: bob.token });
    expect(history.body.messages.map((message: { clientMsgId: string }) => message.clientMsgId)).toEqual(['pg-1', 'pg-2', 'pg-3', 'pg-rest']);
    expect(node.process.exitCode).toBeNull();
  });
});
