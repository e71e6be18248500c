import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { followRoom } from '../helpers/following-client';
import { createGroupAccepted } from '../helpers/social';
import { TEST_DATABASE_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const TTL_MS = 1500;
const ENV = { PRESENCE_TTL_MS: String(TTL_MS), PRESENCE_GRACE_MS: '300' };
const PER_SENDER = 30;
// A send with no ack by then is taken as lost and sent again, with the same clientMsgId.
const ACK_TIMEOUT_MS = 3_000;
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
let survivor: AppServer;
let victim: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  await db.connect();
  await Promise.all([startAppServer(ENV).then((node) => (survivor = node)), startAppServer(ENV).then((node) => (victim = node))]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([survivor, victim].map((node) => node?.stop()));
  await db.end();
});

/**
 * A client like the web outbox: one send at a time, each retried with the same clientMsgId until it is
 * acknowledged; when its node is gone it reconnects to the one that is left.
 */
function retryingSender(user: TestUser, roomId: string, firstNode: AppServer) {
  let socket: TestSocket | null = null;
  let node = firstNode;
  const acked: ChatMessage[] = [];
  let reconnects = 0;
  const socketFor = async () => {
    if (socket?.connected) return socket;
    socket?.close();
    if (socket) reconnects++;
    if (node.process.exitCode !== null || node.process.signalCode !== null) node = survivor;
    socket = await connect(node.url, { token: user.token }).catch(() => null);
    if (socket) sockets.push(socket);
    return socket;
  };
  const run = async (prefix: string) => {
    for (let index = 0; index < PER_SENDER; index++) {
      const clientMsgId = `${prefix}-${index}`;
      for (;;) {
        const current = await socketFor();
        if (!current) continue;
        const reply = await (current.timeout(ACK_TIMEOUT_MS) as any)
          .emitWithAck('message:send', { roomId, clientMsgId, body: `${prefix} ${index}` })
          .catch(() => null);
        if (reply?.ok) {
          acked.push(reply.message);
          break;
        }
        // Refused for a reason that is no outage: the test is wrong, not the server.
        if (reply && reply.error.code !== 'unavailable' && reply.error.code !== 'rate_limited') throw new Error(JSON.stringify(reply));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  return { run, acked, reconnects: () => reconnects };
}

describe('a node killed (-9) during a steady stream of sends', () => {
  it('stores every acknowledged message once, and every client converges to the same history in order', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(survivor.url, 'ka'), createUser(victim.url, 'kb'), createUser(survivor.url, 'kc')]);
    const roomId = await createGroupAccepted(survivor.url, alice, 'kill', [bob, carol]);
    // carol watches from the node that stays, and never reconnects.
    const carolSocket = await connect(survivor.url, { token: carol.token });
    sockets.push(carolSocket);
    const carolView = followRoom(carolSocket, roomId);
    await carolView.sync();

    // alice sends through the survivor, bob through the victim; the victim dies mid-stream.
    const aliceSender = retryingSender(alice, roomId, survivor);
    const bobSender = retryingSender(bob, roomId, victim);
    const streams = Promise.all([aliceSender.run('a'), bobSender.run('b')]);
    await waitFor(() => bobSender.acked.length >= PER_SENDER / 3, 30_000, 'bob to be mid-stream');
    await victim.stop('SIGKILL');
    expect(victim.process.signalCode).toBe('SIGKILL');
    await streams;
    expect(bobSender.reconnects()).toBeGreaterThan(0);

    // Stored once each: one row per clientMsgId, seqs gapless, in each sender's order.
    const { rows } = await db.query('SELECT id, seq, "clientMsgId" FROM "Message" WHERE "roomId" = $1 AND kind = $2 ORDER BY seq', [roomId, 'text']);
    const sent = [...Array(PER_SENDER).keys()].flatMap((index) => [`a-${index}`, `b-${index}`]);
    expect(rows.map((row) => row.clientMsgId).sort()).toEqual([...sent].sort());
    for (const prefix of ['a', 'b']) {
      const order = rows.map((row) => row.clientMsgId).filter((id: string) => id.startsWith(`${prefix}-`));
      expect(order).toEqual(sent.filter((id) => id.startsWith(`${prefix}-`)));
    }
    // Every acknowledged message is the stored one.
    const storedIds = new Map(rows.map((row) => [row.clientMsgId, row.id]));
    for (const message of [...aliceSender.acked, ...bobSender.acked]) expect(storedIds.get(message.clientMsgId)).toBe(message.id);

    // Every client, fresh or still connected, converges to the same history in order.
    const { rows: all } = await db.query('SELECT id FROM "Message" WHERE "roomId" = $1 ORDER BY seq', [roomId]);
    const history = all.map((row) => row.id);
    const fresh = await Promise.all([alice, bob].map((user) => connect(survivor.url, { token: user.token })));
    sockets.push(...fresh);
    const views = [carolView, ...fresh.map((socket) => followRoom(socket, roomId))];
    await Promise.all(views.slice(1).map((view) => view.sync()));
    await waitFor(() => views.every((view) => view.has(history)), 5_000, 'every client to hold the whole history');
    for (const view of views) expect(view.messages().map((message) => message.id)).toEqual(history);
  });
});
