import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';
import { acquaint, createGroupOfAcquaintances } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Link holds that make sense on day one (issue 12). Every account here is "new" (the 1 h rule is on).
// `moderated` runs on the test database with an admin; `fresh` on a database of its own with none,
// like a new install.
const NEW_ACCOUNT_RULE = { SPAM_LINK_MIN_ACCOUNT_AGE_MS: String(60 * 60 * 1000) };
const freshUrl = new URL(TEST_DATABASE_URL);
freshUrl.pathname = `${freshUrl.pathname}_nomod`;
const adminHandle = uniqueHandle('mod');

let moderated: AppServer;
let fresh: AppServer;
const sockets: TestSocket[] = [];

async function open(node: AppServer, user: TestUser) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}
const send = (socket: TestSocket, payload: unknown) => emitAck(socket, 'message:send', payload);

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const name = freshUrl.pathname.slice(1);
  await onDatabase(admin.href, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  [moderated, fresh] = await Promise.all([
    startAppServer({ ...NEW_ACCOUNT_RULE, RELAY_ADMINS: adminHandle }),
    startAppServer({ ...NEW_ACCOUNT_RULE, DATABASE_URL: freshUrl.href }),
  ]);
  // Signing up under a RELAY_ADMINS handle makes the account an admin: `moderated` has a moderator.
  const signUp = await api(moderated.url, '/api/v1/users', { body: { username: adminHandle, password: 'correct horse battery' } });
  expect(signUp.status).toBe(201);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([moderated?.stop(), fresh?.stop()]);
});

describe('link holds', () => {
  it('never holds links between two people who both accepted their conversation, even from new accounts', async () => {
    const [alice, bob] = await Promise.all([createUser(moderated.url, 'alice'), createUser(moderated.url, 'bob')]);
    const roomId = await acquaint(moderated.url, alice, bob);
    const bobInbox = collectMessages(await open(moderated, bob));
    const aliceSocket = await open(moderated, alice);
    const byId = await send(aliceSocket, { roomId, clientMsgId: 'l1', body: 'look https://example.com/a' });
    const byHandle = await send(aliceSocket, { to: bob.handle, clientMsgId: 'l2', body: 'and www.example.org' });
    expect([byId, byHandle].map((ack) => [ack.ok, ack.message?.linksHeld])).toEqual([[true, undefined], [true, undefined]]);
    await bobInbox.waitFor(2);
    expect(bobInbox.received.map((m) => m.body)).toEqual(['look https://example.com/a', 'and www.example.org']);
    // Edits follow the same rule: fixing a typo next to a link, or adding one, is fine here.
    const fixed = await emitAck(aliceSocket, 'message:edit', { messageId: byId.message.id, body: 'look at https://example.com/a' });
    expect(fixed).toMatchObject({ ok: true, message: { body: 'look at https://example.com/a' } });
    const added = await emitAck(aliceSocket, 'message:edit', { messageId: byId.message.id, body: 'look at https://example.com/a and https://example.com/b' });
    expect(added).toMatchObject({ ok: true, message: { body: 'look at https://example.com/a and https://example.com/b' } });
    expect(added.message.linksHeld).toBeUndefined();
  });

  it("refuses an edit that adds a link where a send would hold it, while a moderator exists; a link already there stays editable", async () => {
    const [newbie, stranger] = await Promise.all([createUser(moderated.url, 'newbie'), createUser(moderated.url, 'stranger')]);
    const socket = await open(moderated, newbie);
    const request = await send(socket, { to: stranger.handle, clientMsgId: 'e1', body: 'hello there' });
    expect(request.ok).toBe(true);
    expect(await emitAck(socket, 'message:edit', { messageId: request.message.id, body: 'hello there https://spam.example/x' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'New accounts cannot add links by editing here.' },
    });
    const history = await api(moderated.url, `/api/v1/rooms/${request.message.roomId}/messages`, { token: stranger.token });
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['hello there']);
  });

  it('still holds a new account\'s link in a message request, and in a group it joined recently, while a moderator exists', async () => {
    const [newbie, stranger, owner] = await Promise.all([createUser(moderated.url, 'newbie'), createUser(moderated.url, 'stranger'), createUser(moderated.url, 'owner')]);
    const socket = await open(moderated, newbie);
    expect(await send(socket, { to: stranger.handle, clientMsgId: 'r1', body: 'hi https://example.com/r' })).toMatchObject({ ok: false, error: { code: 'held_for_review' } });

    const group = await createGroupOfAcquaintances(moderated.url, owner, 'Recent', [newbie]);
    expect(await send(socket, { roomId: group.id, clientMsgId: 'g1', body: 'hi https://example.com/g' })).toMatchObject({ ok: false, error: { code: 'held_for_review' } });
    // Joined two days ago (SPAM_LINK_RECENT_JOIN_MS is one): no longer held there.
    await onDatabase(TEST_DATABASE_URL, (client) =>
      client.query(`UPDATE "RoomMember" SET "joinedAt" = now() - interval '2 days' WHERE "roomId" = $1`, [group.id]),
    );
    expect(await send(socket, { roomId: group.id, clientMsgId: 'g2', body: 'hi https://example.com/g2' })).toMatchObject({ ok: true, message: { body: 'hi https://example.com/g2' } });
  });

  it('with no moderator, delivers a held link to the recipient marked linksHeld instead of queueing it', async () => {
    const [newbie, stranger] = await Promise.all([createUser(fresh.url, 'newbie'), createUser(fresh.url, 'stranger')]);
    const strangerSocket = await open(fresh, stranger);
    const strangerInbox = collectMessages(strangerSocket);
    const ack = await send(await open(fresh, newbie), { to: stranger.handle, clientMsgId: 'n1', body: 'free stuff https://example.com/win' });
    expect(ack).toMatchObject({ ok: true, message: { body: 'free stuff https://example.com/win', linksHeld: true } });
    await strangerInbox.waitFor(1);
    expect(strangerInbox.received[0]).toEqual(ack.message);
    // The same in the request list and the history, and nothing in a queue nobody reads.
    const requests = await api(fresh.url, '/api/v1/requests', { token: stranger.token });
    expect(requests.body.requests[0].lastMessage).toMatchObject({ id: ack.message.id, linksHeld: true });
    const history = await api(fresh.url, `/api/v1/rooms/${ack.message.roomId}/messages`, { token: stranger.token });
    expect(history.body.messages).toEqual([ack.message]);
    const queued = await onDatabase(freshUrl.href, (client) => client.query('SELECT count(*)::int AS n FROM "HeldMessage"'));
    expect(queued.rows[0].n).toBe(0);
    // A message without a link is not marked.
    const newbieSocket = await open(fresh, newbie);
    const plain = await send(newbieSocket, { to: stranger.handle, clientMsgId: 'n2', body: 'no link here' });
    expect(plain.ok).toBe(true);
    expect(plain.message.linksHeld).toBeUndefined();
    // Until an edit adds one: marked then, as the send would have been, and the recipient's copy with it.
    const updates: { message: { id: string; linksHeld?: boolean } }[] = [];
    strangerSocket.on('message:updated', (update) => updates.push(update));
    const edited = await emitAck(newbieSocket, 'message:edit', { messageId: plain.message.id, body: 'a link here www.example.org/prize' });
    expect(edited).toMatchObject({ ok: true, message: { body: 'a link here www.example.org/prize', linksHeld: true } });
    await waitFor(() => updates.some((update) => update.message.id === plain.message.id), 5000, 'the stranger gets the edit');
    expect(updates.find((update) => update.message.id === plain.message.id)!.message.linksHeld).toBe(true);
  });
});
