import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { MAIN_ENV, safetyHelpers, send } from '../helpers/safety-kit';
import { TEST_DATABASE_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';

// No internal user ids on the wire: people are known by handle only.
let server: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, createAdmin } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  server = await startAppServer(MAIN_ENV);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

const FORBIDDEN_ID_KEYS = new Set(['userId', 'senderId', 'reporterId', 'actorId', 'blockerId', 'blockedId', 'recipientId', 'ownerId', 'resolvedById']);
const keysOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap(keysOf) : value && typeof value === 'object' ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]) : [];

/** Every user's database id, straight from the database: none of them may appear on the wire. */
async function allUserIds(): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query('SELECT id FROM "User"')).rows.map((row) => row.id as string);
  } finally {
    await client.end();
  }
}

describe('no internal user ids on the wire', () => {
  it('answers with handles only on every endpoint that lists people', async () => {
    const admin = await createAdmin();
    const [alice, bob, carol, mal] = await Promise.all(['alice', 'bob', 'carol', 'mal'].map((prefix) => createUser(server.url, prefix)));
    const groupId = await createGroup(alice, 'ids', [bob, carol]);
    const aliceSocket = await open(alice);
    const direct = await send(aliceSocket, { to: bob.handle, clientMsgId: 'i1', body: 'hi bob' });
    const inGroup = await send(aliceSocket, { roomId: groupId, clientMsgId: 'i2', body: 'hi all' });
    await send(await open(mal), { to: alice.handle, clientMsgId: 'i3', body: 'request' });
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: carol.handle } });
    const report = await api(server.url, '/api/v1/reports', { token: bob.token, body: { messageId: inGroup.message.id, reason: 'test' } });
    await send(await open(await createUser(server.url, 'fresh')), { to: alice.handle, clientMsgId: 'i4', body: 'https://held.example' }).catch(() => null);
    const socketReplies = [
      direct,
      await emitAck(aliceSocket, 'room:sync', { roomId: groupId, afterSeq: 0 }),
      await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle, carol.handle] }),
    ];

    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query('SELECT id FROM "User" WHERE handle = ANY($1)', [[admin, alice, bob, carol, mal].map((u) => u.handle)]);
    await client.end();
    const userIds = rows.map((row) => row.id as string);
    expect(userIds).toHaveLength(5);

    const as = (user: TestUser, p: string) => api(server.url, p, { token: user.token }).then((reply) => ({ path: p, ...reply }));
    const replies = [
      await as(alice, `/api/v1/users?q=${bob.handle}`),
      await as(alice, '/api/v1/me'),
      await as(alice, '/api/v1/rooms'),
      await as(alice, `/api/v1/rooms/${groupId}/messages`),
      await as(alice, `/api/v1/groups/${groupId}/users`),
      await as(alice, '/api/v1/contacts'),
      await as(alice, '/api/v1/requests'),
      await as(alice, '/api/v1/blocks'),
      await as(alice, `/api/v1/presence?handles=${bob.handle},${carol.handle}`),
      await as(alice, '/api/v1/sessions'),
      { path: 'POST /reports', ...report },
      await as(admin, `/api/v1/admin/users?q=${alice.handle}`),
      await as(admin, `/api/v1/admin/rooms?q=${alice.handle}`),
      await as(admin, '/api/v1/admin/reports?status=open'),
      await as(admin, '/api/v1/admin/held'),
      await as(admin, '/api/v1/admin/audit'),
    ];
    for (const reply of [...replies, ...socketReplies.map((body, index) => ({ path: `socket reply ${index}`, status: 200, body }))]) {
      expect(reply.status, reply.path).toBeLessThan(300);
      const text = JSON.stringify(reply.body);
      for (const id of userIds) expect(text.includes(id), `${reply.path} leaks a user id`).toBe(false);
      expect(keysOf(reply.body).filter((key) => FORBIDDEN_ID_KEYS.has(key)), reply.path).toEqual([]);
    }
  });

  it('pushes socket events that name people by handle only', async () => {
    const admin = await createAdmin();
    const [alice, bob, carol, mal] = await Promise.all(['alice', 'bob', 'carol', 'mal'].map((prefix) => createUser(server.url, prefix)));
    const groupId = await createGroup(alice, 'pushed ids', [bob]);
    const pushed: { to: string; event: string; payload: unknown }[] = [];
    const watched = async (user: TestUser) => {
      const socket = await open(user);
      (socket as any).onAny((event: string, payload: unknown) => pushed.push({ to: user.handle, event, payload }));
      return socket;
    };
    const aliceSocket = await watched(alice);
    const bobSocket = await watched(bob); // alice is told bob is online
    const malSocket = await watched(mal);

    const direct = await send(aliceSocket, { to: bob.handle, clientMsgId: 'e1', body: 'hi bob' });
    expect(await emitAck(bobSocket, 'room:delivered', { roomId: direct.message.roomId, seq: direct.message.seq })).toEqual({ ok: true });
    expect((await emitAck(bobSocket, 'room:read', { roomId: direct.message.roomId, seq: direct.message.seq })).ok).toBe(true);
    expect(await emitAck(bobSocket, 'typing', { roomId: groupId, typing: true })).toEqual({ ok: true });
    expect((await api(server.url, '/api/v1/me', { method: 'PATCH', token: bob.token, body: { displayName: 'Bob Renamed' } })).status).toBe(200);
    expect((await api(server.url, `/api/v1/groups/${groupId}/users`, { token: alice.token, body: { handle: carol.handle } })).status).toBe(201);
    const request = await send(malSocket, { to: alice.handle, clientMsgId: 'e2', body: 'a request' });
    expect((await api(server.url, `/api/v1/requests/${request.message.roomId}/accept`, { token: alice.token, body: {} })).status).toBe(200);
    const doomed = await send(bobSocket, { roomId: groupId, clientMsgId: 'e3', body: 'remove me' });
    expect((await api(server.url, `/api/v1/admin/messages/${doomed.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'ids test' } })).status).toBe(200);
    bobSocket.close(); // alice is told bob went offline

    const expected = ['message:new', 'receipt', 'unread', 'typing', 'user:updated', 'room:updated', 'message:deleted', 'presence'];
    const seen = () => new Set(pushed.map((entry) => entry.event));
    await waitFor(() => expected.every((event) => seen().has(event)), 10_000, `pushed ${expected.join(', ')}`);
    await waitFor(() => pushed.some((entry) => entry.event === 'presence' && (entry.payload as any).status === 'offline'), 5000, 'bob offline');

    const userIds = await allUserIds();
    expect(userIds.length).toBeGreaterThanOrEqual(5);
    for (const { to, event, payload } of pushed) {
      const text = JSON.stringify(payload);
      for (const id of userIds) expect(text.includes(id), `${event} to @${to} leaks a user id: ${text}`).toBe(false);
      expect(keysOf(payload).filter((key) => FORBIDDEN_ID_KEYS.has(key)), `${event} to @${to}`).toEqual([]);
    }
    // People appear by handle: the rename and the receipt name bob, not his row.
    expect(pushed).toContainEqual({ to: alice.handle, event: 'user:updated', payload: { handle: bob.handle, displayName: 'Bob Renamed', avatarUrl: null } });
    expect(pushed).toContainEqual(expect.objectContaining({ to: alice.handle, event: 'receipt', payload: expect.objectContaining({ reader: bob.handle }) }));
  });
});
