import { createECDH, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { collect, MAIN_ENV, root, safetyHelpers, send } from '../helpers/safety-kit';
import { waitFor } from '../helpers/wait';

// The authorization matrix: every REST route and every client socket event, by kind of caller.
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

type Fixtures = {
  owner: TestUser; // alice: owns the group, talks with bob, has blocked mallory
  member: TestUser; // bob
  outsider: TestUser; // carol: in none of those rooms
  invitee: TestUser; // dave: invited to alice's group, has not answered
  blocked: TestUser; // mallory, blocked by alice
  admin: TestUser;
  banned: TestUser; // had a token and a socket, then was banned
  victim: TestUser; // target of the admin actions a non-admin tries
  groupId: string;
  directId: string;
  blockedDirectId: string;
  blockedOwnGroupId: string;
  sharedGroupId: string; // bob's group with alice and mallory, from before the block
  messageId: string;
  ownerSessionId: string;
  sockets: Record<'owner' | 'member' | 'outsider' | 'blocked', TestSocket>;
};
const fx = {} as Fixtures;

type RestRow = {
  route: string; // "METHOD /api/v1/<file template>", checked against app/api/v1 below
  path: (f: Fixtures) => string;
  body?: (f: Fixtures) => unknown;
  public?: true;
  nonMember?: true; // about one room (or another user's thing): a non-member gets 404
  ownerOnly?: true; // a member who does not own the group gets 403
  admin?: true;
};

const REST: RestRow[] = [
  { route: 'POST /api/v1/users', path: () => '/api/v1/users', body: () => ({}), public: true },
  { route: 'GET /api/v1/users', path: () => '/api/v1/users?q=a' },
  { route: 'POST /api/v1/tokens', path: () => '/api/v1/tokens', body: () => ({}), public: true },
  { route: 'GET /api/v1/me', path: () => '/api/v1/me' },
  { route: 'PATCH /api/v1/me', path: () => '/api/v1/me', body: () => ({ displayName: 'Renamed' }) },
  { route: 'DELETE /api/v1/me', path: () => '/api/v1/me', body: () => ({ password: 'not the password' }) },
  { route: 'PUT /api/v1/me/avatar', path: () => '/api/v1/me/avatar', body: () => ({}) },
  { route: 'DELETE /api/v1/me/avatar', path: () => '/api/v1/me/avatar' },
  // Pictures go where names go: anyone signed in (avatars.test.ts has the rest).
  { route: 'GET /api/v1/users/[handle]/avatar', path: (f) => `/api/v1/users/${f.owner.handle}/avatar` },
  { route: 'POST /api/v1/me/password', path: () => '/api/v1/me/password', body: () => ({ currentPassword: 'not the password', newPassword: 'a new password' }) },
  { route: 'GET /api/v1/rooms', path: () => '/api/v1/rooms' },
  { route: 'GET /api/v1/rooms/[roomId]/messages', path: (f) => `/api/v1/rooms/${f.groupId}/messages`, nonMember: true },
  { route: 'POST /api/v1/rooms/[roomId]/messages', path: (f) => `/api/v1/rooms/${f.groupId}/messages`, body: () => ({ clientMsgId: 'mx', body: 'let me in' }), nonMember: true },
  { route: 'POST /api/v1/rooms/[roomId]/read', path: (f) => `/api/v1/rooms/${f.groupId}/read`, body: () => ({ seq: 1 }), nonMember: true },
  { route: 'POST /api/v1/groups', path: () => '/api/v1/groups', body: () => ({ name: 'mine', members: [] }) },
  { route: 'PATCH /api/v1/groups/[roomId]', path: (f) => `/api/v1/groups/${f.groupId}`, body: () => ({ name: 'Taken over' }), nonMember: true },
  { route: 'GET /api/v1/groups/[roomId]/users', path: (f) => `/api/v1/groups/${f.groupId}/users`, nonMember: true },
  { route: 'POST /api/v1/groups/[roomId]/users', path: (f) => `/api/v1/groups/${f.groupId}/users`, body: (f) => ({ handle: f.outsider.handle }), nonMember: true },
  { route: 'DELETE /api/v1/groups/[roomId]/users/[handle]', path: (f) => `/api/v1/groups/${f.groupId}/users/${f.member.handle}`, nonMember: true },
  { route: 'GET /api/v1/groups/[roomId]/invites', path: (f) => `/api/v1/groups/${f.groupId}/invites`, nonMember: true, ownerOnly: true },
  { route: 'DELETE /api/v1/groups/[roomId]/invites/[handle]', path: (f) => `/api/v1/groups/${f.groupId}/invites/${f.outsider.handle}`, nonMember: true, ownerOnly: true },
  { route: 'GET /api/v1/contacts', path: () => '/api/v1/contacts' },
  { route: 'GET /api/v1/presence', path: (f) => `/api/v1/presence?handles=${f.owner.handle}` },
  { route: 'GET /api/v1/sessions', path: () => '/api/v1/sessions' },
  { route: 'DELETE /api/v1/sessions/[sessionId]', path: (f) => `/api/v1/sessions/${f.ownerSessionId}`, nonMember: true },
  { route: 'GET /api/v1/requests', path: () => '/api/v1/requests' },
  { route: 'POST /api/v1/requests/[roomId]/accept', path: (f) => `/api/v1/requests/${f.directId}/accept`, body: () => ({}), nonMember: true },
  { route: 'POST /api/v1/requests/[roomId]/ignore', path: (f) => `/api/v1/requests/${f.directId}/ignore`, body: () => ({}), nonMember: true },
  { route: 'GET /api/v1/invites', path: () => '/api/v1/invites' },
  { route: 'POST /api/v1/invites/[roomId]/accept', path: (f) => `/api/v1/invites/${f.groupId}/accept`, body: () => ({}), nonMember: true },
  { route: 'POST /api/v1/invites/[roomId]/decline', path: (f) => `/api/v1/invites/${f.groupId}/decline`, body: () => ({}), nonMember: true },
  { route: 'GET /api/v1/blocks', path: () => '/api/v1/blocks' },
  { route: 'POST /api/v1/blocks', path: () => '/api/v1/blocks', body: (f) => ({ handle: f.victim.handle }) },
  { route: 'DELETE /api/v1/blocks/[handle]', path: (f) => `/api/v1/blocks/${f.victim.handle}` },
  { route: 'POST /api/v1/reports', path: () => '/api/v1/reports', body: (f) => ({ messageId: f.messageId, reason: 'spam' }), nonMember: true },
  { route: 'GET /api/v1/search', path: () => '/api/v1/search?q=hello' },
  { route: 'GET /api/v1/mentions', path: () => '/api/v1/mentions' },
  { route: 'POST /api/v1/rooms/[roomId]/attachments', path: (f) => `/api/v1/rooms/${f.groupId}/attachments`, body: () => ({}), nonMember: true },
  // Who may fetch a file (member, not removed, not blocked) has its own rows in attachments.test.ts.
  { route: 'GET /api/v1/attachments/[id]', path: () => '/api/v1/attachments/no-such-attachment' },
  { route: 'GET /api/v1/push/key', path: () => '/api/v1/push/key' },
  { route: 'POST /api/v1/push/subscriptions', path: () => '/api/v1/push/subscriptions', body: () => ({}) },
  { route: 'DELETE /api/v1/push/subscriptions', path: () => '/api/v1/push/subscriptions', body: () => ({ endpoint: 'https://push.example/none' }) },
  { route: 'PATCH /api/v1/rooms/[roomId]/notifications', path: (f) => `/api/v1/rooms/${f.groupId}/notifications`, body: () => ({ level: 'mute' }), nonMember: true },
  { route: 'GET /api/v1/me/notifications', path: () => '/api/v1/me/notifications' },
  { route: 'PATCH /api/v1/me/notifications', path: () => '/api/v1/me/notifications', body: () => ({ hideText: true }) },
  { route: 'GET /api/v1/admin/audit', path: () => '/api/v1/admin/audit', admin: true },
  { route: 'GET /api/v1/admin/held', path: () => '/api/v1/admin/held', admin: true },
  { route: 'POST /api/v1/admin/held/[heldId]', path: () => '/api/v1/admin/held/no-such-held', body: () => ({ action: 'release' }), admin: true },
  { route: 'DELETE /api/v1/admin/messages/[messageId]', path: (f) => `/api/v1/admin/messages/${f.messageId}`, body: () => ({ reason: 'no' }), admin: true },
  { route: 'GET /api/v1/admin/reports', path: () => '/api/v1/admin/reports?status=open', admin: true },
  { route: 'PATCH /api/v1/admin/reports/[reportId]', path: () => '/api/v1/admin/reports/no-such-report', body: () => ({ status: 'dismissed' }), admin: true },
  { route: 'GET /api/v1/admin/rooms', path: () => '/api/v1/admin/rooms?q=a', admin: true },
  { route: 'GET /api/v1/admin/users', path: () => '/api/v1/admin/users?q=a', admin: true },
  { route: 'POST /api/v1/admin/users/[handle]/suspend', path: (f) => `/api/v1/admin/users/${f.victim.handle}/suspend`, body: () => ({ reason: 'x', durationMs: 3_600_000 }), admin: true },
  { route: 'POST /api/v1/admin/users/[handle]/ban', path: (f) => `/api/v1/admin/users/${f.victim.handle}/ban`, body: () => ({ reason: 'x' }), admin: true },
  { route: 'POST /api/v1/admin/users/[handle]/restore', path: (f) => `/api/v1/admin/users/${f.victim.handle}/restore`, body: () => ({ reason: 'x' }), admin: true },
];

// Non-admins are refused before their input is even looked at.
const ADMIN_INVALID: RestRow[] = [
  { route: 'GET /api/v1/admin/reports', path: () => '/api/v1/admin/reports?status=bogus' },
  { route: 'POST /api/v1/admin/held/[heldId]', path: () => '/api/v1/admin/held/x', body: () => ({ action: 'nuke' }) },
  { route: 'DELETE /api/v1/admin/messages/[messageId]', path: (f) => `/api/v1/admin/messages/${f.messageId}`, body: () => ({}) },
  { route: 'PATCH /api/v1/admin/reports/[reportId]', path: () => '/api/v1/admin/reports/x', body: () => ({ status: 'bogus', extra: 1 }) },
  { route: 'POST /api/v1/admin/users/[handle]/suspend', path: (f) => `/api/v1/admin/users/${f.victim.handle}/suspend`, body: () => ({ durationMs: -1 }) },
  { route: 'POST /api/v1/admin/users/[handle]/ban', path: (f) => `/api/v1/admin/users/${f.victim.handle}/ban`, body: () => '{"reason": ' },
  { route: 'POST /api/v1/admin/users/[handle]/restore', path: (f) => `/api/v1/admin/users/${f.victim.handle}/restore`, body: () => ({}) },
];

const methodOf = (row: RestRow) => row.route.split(' ')[0];

function call(row: RestRow, auth: { token?: string }) {
  const body = row.body?.(fx);
  return api(server.url, row.path(fx), { method: methodOf(row), token: auth.token, body });
}

/** Every "METHOD /api/v1/..." the app serves, read from the route files. */
function servedRoutes(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const template = `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/')}`;
        for (const [, method] of readFileSync(full, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${method} ${template}`);
      }
    }
  };
  walk(path.join(root, 'app/api/v1'));
  return found.sort();
}

/** The client → server events of the socket contract. */
function contractEvents(): string[] {
  const source = readFileSync(path.join(root, 'lib/realtime/contract.ts'), 'utf8');
  const block = source.slice(source.indexOf('interface ClientToServerEvents'));
  const body = block.slice(block.indexOf('{') + 1, block.indexOf('\n}'));
  return [...body.matchAll(/^ {2}'?([\w:]+)'?\s*:/gm)].map((match) => match[1]).sort();
}

type SocketRow = { event: string; payload: (f: Fixtures) => unknown };
const ROOM_EVENTS: SocketRow[] = [
  { event: 'message:send', payload: (f) => ({ roomId: f.groupId, clientMsgId: 'intrude', body: 'let me in' }) },
  { event: 'room:sync', payload: (f) => ({ roomId: f.groupId, afterSeq: 0 }) },
  { event: 'room:read', payload: (f) => ({ roomId: f.groupId, seq: 1 }) },
  { event: 'room:delivered', payload: (f) => ({ roomId: f.groupId, seq: 1 }) },
  { event: 'typing', payload: (f) => ({ roomId: f.groupId, typing: true }) },
  { event: 'message:edit', payload: (f) => ({ messageId: f.messageId, body: 'rewritten' }) },
  { event: 'message:delete', payload: (f) => ({ messageId: f.messageId }) },
  { event: 'reaction:add', payload: (f) => ({ messageId: f.messageId, emoji: '👍' }) },
  { event: 'reaction:remove', payload: (f) => ({ messageId: f.messageId, emoji: '👍' }) },
];

/**
 * The rows about a block act (send, type, read, rename, reconnect): each gets a fixture of its own.
 * alice (owner) owns a group with bob (member) and has blocked mallory (blocked), who wrote to her
 * first; bob's group holds all three from before the block; mallory has a group of her own.
 */
type BlockFixture = Pick<Fixtures, 'owner' | 'member' | 'blocked' | 'groupId' | 'sharedGroupId' | 'blockedDirectId' | 'blockedOwnGroupId'> & {
  sockets: Record<'owner' | 'member' | 'blocked', TestSocket>;
};

async function blockFixture(): Promise<BlockFixture> {
  const [owner, member, blocked] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'mallory')]);
  const [groupId, sharedGroupId, blockedOwnGroupId] = await Promise.all([
    createGroup(owner, 'matrix', [member]),
    createGroup(member, 'shared with both', [owner, blocked]),
    createGroup(blocked, 'mallory alone', []),
  ]);
  const sockets = { owner: await open(owner), member: await open(member), blocked: await open(blocked) };
  const fromMallory = await send(sockets.blocked, { to: owner.handle, clientMsgId: 'm1', body: 'hello alice' });
  expect((await api(server.url, '/api/v1/blocks', { token: owner.token, body: { handle: blocked.handle } })).status).toBe(201);
  return { owner, member, blocked, groupId, sharedGroupId, blockedOwnGroupId, blockedDirectId: fromMallory.message.roomId, sockets };
}

type BlockedRow = { name: string; run: (f: BlockFixture) => Promise<void> };
const expectForbiddenAck = (ack: any) => expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
const expectForbidden = (reply: { status: number; body: any }) => {
  expect(reply.status).toBe(403);
  expect(reply.body.error.code).toBe('forbidden');
};
/**
 * The sentinel for the rows below: bob writes in the shared group after the others acted, and both
 * sides of the block get it; whatever was emitted to them before has arrived by then.
 */
async function sentinel(f: BlockFixture) {
  const inboxes = [collect(f.sockets.owner, 'message:new'), collect(f.sockets.blocked, 'message:new')];
  const ack = await send(f.sockets.member, { roomId: f.sharedGroupId, clientMsgId: `sentinel-${Math.random()}`, body: 'sentinel' });
  expect(ack.ok).toBe(true);
  await waitFor(() => inboxes.every((inbox) => inbox.some((event) => event.message.id === ack.message.id)), 5000, 'the sentinel on both sides of the block');
}

/**
 * Both sides of the block act (`act('blocked')`, `act('owner')`): the bystander in the shared group sees
 * both, and neither side sees anything of the other.
 */
async function expectNothingAcrossBlock(f: BlockFixture, event: string, act: (side: 'blocked' | 'owner') => Promise<void>) {
  const seen = { owner: collect(f.sockets.owner, event), member: collect(f.sockets.member, event), blocked: collect(f.sockets.blocked, event) };
  await act('blocked');
  await act('owner');
  await waitFor(() => [f.blocked, f.owner].every((user) => seen.member.some((payload) => payload.handle === user.handle)), 5000, `bob sees ${event} from both`);
  await sentinel(f);
  expect(seen.owner.filter((payload) => payload.handle === f.blocked.handle)).toEqual([]);
  expect(seen.blocked.filter((payload) => payload.handle === f.owner.handle)).toEqual([]);
}

const BLOCKED: BlockedRow[] = [
  { name: 'socket message:send {to} blocked → blocker', run: async (f) => expectForbiddenAck(await send(f.sockets.blocked, { to: f.owner.handle, clientMsgId: 'b1', body: 'hi' })) },
  { name: 'socket message:send {to} blocker → blocked', run: async (f) => expectForbiddenAck(await send(f.sockets.owner, { to: f.blocked.handle, clientMsgId: 'b2', body: 'hi' })) },
  { name: 'socket message:send {roomId} blocked → blocker', run: async (f) => expectForbiddenAck(await send(f.sockets.blocked, { roomId: f.blockedDirectId, clientMsgId: 'b3', body: 'hi' })) },
  { name: 'socket message:send {roomId} blocker → blocked', run: async (f) => expectForbiddenAck(await send(f.sockets.owner, { roomId: f.blockedDirectId, clientMsgId: 'b4', body: 'hi' })) },
  {
    name: 'POST /api/v1/rooms/[roomId]/messages blocked → blocker',
    run: async (f) => expectForbidden(await api(server.url, `/api/v1/rooms/${f.blockedDirectId}/messages`, { token: f.blocked.token, body: { clientMsgId: 'b5', body: 'hi' } })),
  },
  {
    name: 'POST /api/v1/rooms/[roomId]/messages blocker → blocked',
    run: async (f) => expectForbidden(await api(server.url, `/api/v1/rooms/${f.blockedDirectId}/messages`, { token: f.owner.token, body: { clientMsgId: 'b6', body: 'hi' } })),
  },
  { name: 'POST /api/v1/groups with the blocked user', run: async (f) => expectForbidden(await api(server.url, '/api/v1/groups', { token: f.owner.token, body: { name: 'nope', members: [f.blocked.handle] } })) },
  { name: 'POST /api/v1/groups with the blocker', run: async (f) => expectForbidden(await api(server.url, '/api/v1/groups', { token: f.blocked.token, body: { name: 'nope', members: [f.owner.handle] } })) },
  { name: 'POST /api/v1/groups/[roomId]/users adding the blocked user', run: async (f) => expectForbidden(await api(server.url, `/api/v1/groups/${f.groupId}/users`, { token: f.owner.token, body: { handle: f.blocked.handle } })) },
  { name: 'POST /api/v1/groups/[roomId]/users adding the blocker', run: async (f) => expectForbidden(await api(server.url, `/api/v1/groups/${f.blockedOwnGroupId}/users`, { token: f.blocked.token, body: { handle: f.owner.handle } })) },
  {
    name: 'socket presence:query shows each other offline with no last-seen',
    run: async (f) => {
      expect(await emitAck(f.sockets.owner, 'presence:query', { handles: [f.blocked.handle] })).toEqual({ ok: true, statuses: [{ handle: f.blocked.handle, status: 'offline', lastSeenAt: null }] });
      expect(await emitAck(f.sockets.blocked, 'presence:query', { handles: [f.owner.handle] })).toEqual({ ok: true, statuses: [{ handle: f.owner.handle, status: 'offline', lastSeenAt: null }] });
    },
  },
  {
    name: 'GET /api/v1/presence shows each other offline with no last-seen',
    run: async (f) => {
      const mine = await api(server.url, `/api/v1/presence?handles=${f.blocked.handle}`, { token: f.owner.token });
      expect(mine.body.statuses).toEqual([{ handle: f.blocked.handle, status: 'offline', lastSeenAt: null }]);
      const theirs = await api(server.url, `/api/v1/presence?handles=${f.owner.handle}`, { token: f.blocked.token });
      expect(theirs.body.statuses).toEqual([{ handle: f.owner.handle, status: 'offline', lastSeenAt: null }]);
    },
  },
  {
    name: 'socket message:send {roomId} in a shared group reaches the others but not the blocker',
    run: async (f) => {
      const [ownerInbox, memberInbox] = [collect(f.sockets.owner, 'message:new'), collect(f.sockets.member, 'message:new')];
      const ack = await send(f.sockets.blocked, { roomId: f.sharedGroupId, clientMsgId: 'shared-1', body: 'in the group' });
      expect(ack.ok).toBe(true);
      await waitFor(() => memberInbox.some((event) => event.message.id === ack.message.id), 5000, 'bob gets the message');
      await sentinel(f);
      expect(ownerInbox.filter((event) => event.message.sender === f.blocked.handle)).toEqual([]);
    },
  },
  {
    name: 'socket typing in a shared group is passed to the others, not across the block (either way)',
    run: (f) =>
      expectNothingAcrossBlock(f, 'typing', async (side) => {
        expect(await emitAck(f.sockets[side], 'typing', { roomId: f.sharedGroupId, typing: true })).toEqual({ ok: true });
      }),
  },
  {
    name: 'socket room:delivered and room:read send receipts to the others, not across the block (either way)',
    run: async (f) => {
      const latest = await send(f.sockets.member, { roomId: f.sharedGroupId, clientMsgId: 'shared-receipts', body: 'read me' });
      const seq = latest.message.seq;
      const seen = { owner: collect(f.sockets.owner, 'receipt'), member: collect(f.sockets.member, 'receipt'), blocked: collect(f.sockets.blocked, 'receipt') };
      for (const socket of [f.sockets.blocked, f.sockets.owner]) {
        expect(await emitAck(socket, 'room:delivered', { roomId: f.sharedGroupId, seq })).toEqual({ ok: true });
        expect(await emitAck(socket, 'room:read', { roomId: f.sharedGroupId, seq })).toMatchObject({ ok: true });
      }
      // In the direct room from before the block too.
      expect(await emitAck(f.sockets.blocked, 'room:read', { roomId: f.blockedDirectId, seq: 1 })).toMatchObject({ ok: true });
      const fromBoth = (kind: string) => [f.blocked, f.owner].every((user) => seen.member.some((r) => r.reader === user.handle && r.kind === kind && r.seq === seq));
      await waitFor(() => fromBoth('delivered') && fromBoth('read'), 5000, 'bob gets both receipts from both');
      await sentinel(f);
      expect(seen.owner.filter((receipt) => receipt.reader === f.blocked.handle)).toEqual([]);
      expect(seen.blocked.filter((receipt) => receipt.reader === f.owner.handle)).toEqual([]);
    },
  },
  {
    name: 'GET /api/v1/rooms shows no read or delivered cursor across the block (either way)',
    run: async (f) => {
      const cursorsOf = async (viewer: TestUser, roomId: string, of: TestUser) => {
        const room = (await api(server.url, '/api/v1/rooms', { token: viewer.token })).body.rooms.find((r: any) => r.id === roomId);
        const { readSeq, deliveredSeq } = room.members.find((m: any) => m.handle === of.handle);
        return { readSeq, deliveredSeq };
      };
      // Both read bob's latest message; bob sees their cursors, the two on either side of the block do not.
      const latest = await send(f.sockets.member, { roomId: f.sharedGroupId, clientMsgId: 'cursors', body: 'read me' });
      for (const socket of [f.sockets.blocked, f.sockets.owner]) {
        expect(await emitAck(socket, 'room:read', { roomId: f.sharedGroupId, seq: latest.message.seq })).toMatchObject({ ok: true });
      }
      expect((await cursorsOf(f.member, f.sharedGroupId, f.blocked)).readSeq).toBeGreaterThan(0);
      expect((await cursorsOf(f.member, f.sharedGroupId, f.owner)).readSeq).toBeGreaterThan(0);
      expect(await cursorsOf(f.owner, f.sharedGroupId, f.blocked)).toEqual({ readSeq: 0, deliveredSeq: 0 });
      expect(await cursorsOf(f.blocked, f.sharedGroupId, f.owner)).toEqual({ readSeq: 0, deliveredSeq: 0 });
      expect(await cursorsOf(f.blocked, f.blockedDirectId, f.owner)).toEqual({ readSeq: 0, deliveredSeq: 0 });
    },
  },
  {
    name: 'PATCH /api/v1/me: a rename is pushed to the others, not across the block (either way)',
    run: (f) =>
      expectNothingAcrossBlock(f, 'user:updated', async (side) => {
        const reply = await api(server.url, '/api/v1/me', { method: 'PATCH', token: f[side].token, body: { displayName: `${side} renamed` } });
        expect(reply.status).toBe(200);
      }),
  },
  {
    name: 'socket reaction:add / message:edit on the blocked user\'s message → not_found for the blocker; a reaction in their direct room → forbidden for the blocked',
    run: async (f) => {
      const inGroup = await send(f.sockets.blocked, { roomId: f.sharedGroupId, clientMsgId: 'react-me', body: 'react to me' });
      expect(inGroup.ok).toBe(true);
      for (const [event, payload] of [
        ['reaction:add', { messageId: inGroup.message.id, emoji: '👍' }],
        ['reaction:remove', { messageId: inGroup.message.id, emoji: '👍' }],
        ['message:edit', { messageId: inGroup.message.id, body: 'rewritten' }],
        ['message:delete', { messageId: inGroup.message.id }],
      ] as const) {
        expect(await emitAck(f.sockets.owner, event, payload), event).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
      }
      const [direct] = (await emitAck(f.sockets.blocked, 'room:sync', { roomId: f.blockedDirectId, afterSeq: 0 })).messages;
      for (const event of ['reaction:add', 'reaction:remove']) expectForbiddenAck(await emitAck(f.sockets.blocked, event, { messageId: direct.id, emoji: '👍' }));
      // bob, on neither side, is served: the refusals are about the block.
      expect(await emitAck(f.sockets.member, 'reaction:add', { messageId: inGroup.message.id, emoji: '👍' })).toMatchObject({ ok: true });
    },
  },
  {
    name: 'GET /api/v1/search and GET /api/v1/mentions find nothing of the blocked user for the blocker',
    run: async (f) => {
      const word = `zebra${Math.random().toString(36).slice(2, 8)}`;
      const ack = await send(f.sockets.blocked, { roomId: f.sharedGroupId, clientMsgId: 'findme', body: `${word} @${f.owner.handle} @${f.member.handle}` });
      expect(ack.ok).toBe(true);
      const found = (user: TestUser) => api(server.url, `/api/v1/search?q=${word}`, { token: user.token });
      const mentioned = async (user: TestUser) => (await api(server.url, '/api/v1/mentions', { token: user.token })).body.results.map((r: any) => r.message.id);
      expect((await found(f.member)).body.results.map((r: any) => r.message.id)).toEqual([ack.message.id]);
      expect(await mentioned(f.member)).toContain(ack.message.id);
      const blockerSearch = await found(f.owner);
      expect(blockerSearch.status).toBe(200);
      expect(blockerSearch.body.results).toEqual([]);
      expect(await mentioned(f.owner)).not.toContain(ack.message.id);
    },
  },
  {
    name: 'presence events go to the others, not across the block',
    run: async (f) => {
      const seen = { owner: collect(f.sockets.owner, 'presence'), member: collect(f.sockets.member, 'presence') };
      f.sockets.blocked.close();
      await waitFor(() => seen.member.some((event) => event.handle === f.blocked.handle && event.status === 'offline'), 5000, 'bob sees mallory offline');
      f.sockets.blocked = await open(f.blocked);
      await waitFor(() => seen.member.some((event) => event.handle === f.blocked.handle && event.status === 'online'), 5000, 'bob sees mallory online');
      await sentinel(f);
      expect(seen.owner.filter((event) => event.handle === f.blocked.handle)).toEqual([]);
    },
  },
];

describe('authorization matrix', () => {
  beforeAll(async () => {
    const [owner, member, outsider, invitee, blocked, banned, victim, admin] = await Promise.all([
      createUser(server.url, 'alice'),
      createUser(server.url, 'bob'),
      createUser(server.url, 'carol'),
      createUser(server.url, 'dave'),
      createUser(server.url, 'mallory'),
      createUser(server.url, 'banned'),
      createUser(server.url, 'victim'),
      createAdmin(),
    ]);
    Object.assign(fx, { owner, member, outsider, invitee, blocked, banned, victim, admin });
    fx.groupId = await createGroup(owner, 'matrix', [member]);
    expect((await api(server.url, `/api/v1/groups/${fx.groupId}/users`, { token: owner.token, body: { handle: invitee.handle } })).body.invited).toBe(true);
    fx.sharedGroupId = await createGroup(member, 'shared with both', [owner, blocked]);
    fx.sockets = { owner: await open(owner), member: await open(member), outsider: await open(outsider), blocked: await open(blocked) };
    fx.blockedOwnGroupId = await createGroup(blocked, 'mallory alone', []);
    const direct = await send(fx.sockets.owner, { to: member.handle, clientMsgId: 'd1', body: 'just us' });
    fx.directId = direct.message.roomId;
    const inGroup = await send(fx.sockets.owner, { roomId: fx.groupId, clientMsgId: 'g1', body: 'group hello' });
    fx.messageId = inGroup.message.id;
    const fromMallory = await send(fx.sockets.blocked, { to: owner.handle, clientMsgId: 'm1', body: 'hello alice' });
    fx.blockedDirectId = fromMallory.message.roomId;
    expect((await api(server.url, '/api/v1/blocks', { token: owner.token, body: { handle: blocked.handle } })).status).toBe(201);
    fx.ownerSessionId = (await api(server.url, '/api/v1/sessions', { token: owner.token })).body.sessions.find((s: any) => s.current).id;
    // The banned user was signed in with a token and a socket.
    await open(banned);
    const ban = await api(server.url, `/api/v1/admin/users/${banned.handle}/ban`, { token: admin.token, body: { reason: 'matrix' } });
    if (ban.status !== 200) throw new Error(`ban failed: ${JSON.stringify(ban.body)}`);
  });

  it('covers every route the app serves and every client socket event', () => {
    expect([...new Set(REST.map((row) => row.route))].sort()).toEqual(servedRoutes());
    // presence:query and view:* are about the caller, not a room: covered by presence and notification tests.
    const socketEvents = new Set([...ROOM_EVENTS.map((row) => row.event), 'presence:query', 'view:state', 'view:elsewhere']);
    expect([...socketEvents].sort()).toEqual(contractEvents());
  });

  describe('anonymous or forged credentials → 401', () => {
    it.each(REST.filter((row) => !row.public).map((row) => [row.route, row] as const))('%s', async (_route, row) => {
      for (const auth of [{}, { token: 'forged-token' }]) {
        const reply = await call(row, auth);
        expect(reply.status, JSON.stringify(auth)).toBe(401);
        expect(reply.body.error.code).toBe('unauthorized');
      }
    });

    it.each(REST.filter((row) => row.public).map((row) => [row.route, row] as const))('%s is open to anonymous callers (400 for an empty body, not 401)', async (_route, row) => {
      const reply = await call(row, {});
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
    });

    it.each([
      ['no credentials', {}],
      ['a forged token', { token: 'forged-token' }],
    ] as const)('socket handshake with %s is refused (so no event can be sent)', async (_name, auth) => {
      await expect(connect(server.url, auth)).rejects.toThrow('unauthorized');
    });
  });

  describe('a non-member of the room (or not the owner of the thing) → 404', () => {
    it.each(REST.filter((row) => row.nonMember).map((row) => [row.route, row] as const))('%s', async (_route, row) => {
      const reply = await call(row, fx.outsider);
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('not_found');
    });

    it.each(ROOM_EVENTS.map((row) => [row.event, row] as const))('socket %s', async (event, row) => {
      const ack = await emitAck(fx.sockets.outsider, event, row.payload(fx));
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it('an invitee who has not accepted is not a member either: 404 on the room\'s rows and events', async () => {
      const roomRows = REST.filter((row) => row.nonMember && row.path(fx).includes(`/${fx.groupId}/`) && !row.route.includes('/invites/'));
      expect(roomRows.length).toBeGreaterThan(4);
      for (const row of roomRows) {
        const reply = await call(row, fx.invitee);
        expect(reply.status, row.route).toBe(404);
      }
      const inviteeSocket = await open(fx.invitee);
      for (const row of ROOM_EVENTS) {
        expect(await emitAck(inviteeSocket, row.event, row.payload(fx)), row.event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
    });

    it('the member is served by the same rows (the 404s are about membership)', async () => {
      for (const row of REST.filter((r) => r.nonMember && methodOf(r) === 'GET')) {
        expect((await call(row, fx.member)).status, row.route).toBe(row.ownerOnly ? 403 : 200);
      }
      for (const row of REST.filter((r) => r.ownerOnly)) expect((await call(row, fx.member)).status, row.route).toBe(403);
      const memberSocket = await open(fx.member);
      expect(await emitAck(memberSocket, 'room:sync', { roomId: fx.groupId, afterSeq: 0 })).toMatchObject({ ok: true });
    });
  });

  describe('between a blocker and the blocked user → 403 / forbidden', () => {
    it.each(BLOCKED.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      await row.run(await blockFixture());
    });
  });

  describe('a removed member → 404, like a non-member, on the room\'s rows and events', () => {
    it('every room row and event, and search and mentions find nothing of the room any more', async () => {
      const [owner, member, removed] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'erin')]);
      const groupId = await createGroup(owner, 'removal', [member, removed]);
      const [ownerSocket, removedSocket] = [await open(owner), await open(removed)];
      const word = `okapi${Math.random().toString(36).slice(2, 8)}`;
      const said = await send(ownerSocket, { roomId: groupId, clientMsgId: 'before-removal', body: `${word} @${removed.handle}` });
      expect(said.ok).toBe(true);
      // While a member, erin finds it; the rows below are then about the removal, not about the query.
      expect((await api(server.url, `/api/v1/search?q=${word}`, { token: removed.token })).body.results).toHaveLength(1);
      const own = await send(removedSocket, { roomId: groupId, clientMsgId: 'mine', body: 'my own words' });
      expect((await api(server.url, `/api/v1/groups/${groupId}/users/${removed.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);

      const f = { ...fx, groupId, messageId: said.message.id, outsider: removed };
      const roomRows = REST.filter((row) => row.nonMember && row.path(f).includes(`/${groupId}/`) && !row.route.includes('/invites/'));
      expect(roomRows.length).toBeGreaterThan(4);
      for (const row of roomRows) {
        const reply = await api(server.url, row.path(f), { method: methodOf(row), token: removed.token, body: row.body?.(f) });
        expect([reply.status, reply.body.error?.code], row.route).toEqual([404, 'not_found']);
      }
      for (const row of ROOM_EVENTS) {
        expect(await emitAck(removedSocket, row.event, row.payload(f)), row.event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      // Their own message too: what was theirs in a room they left is not theirs to change.
      for (const event of ['message:edit', 'message:delete'] as const) {
        const payload = event === 'message:edit' ? { messageId: own.message.id, body: 'after' } : { messageId: own.message.id };
        expect(await emitAck(removedSocket, event, payload), event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      const search = await api(server.url, `/api/v1/search?q=${word}`, { token: removed.token });
      expect([search.status, search.body.results]).toEqual([200, []]);
      const mentions = await api(server.url, '/api/v1/mentions', { token: removed.token });
      expect(mentions.body.results.map((r: any) => r.message.id)).not.toContain(said.message.id);
    });
  });

  describe('the member → served, on the same new rows and events', () => {
    it('edits, deletes and reacts to their own message, searches, lists mentions, and sets notifications', async () => {
      const [owner, member] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
      const groupId = await createGroup(owner, 'served', [member]);
      const [ownerSocket, memberSocket] = [await open(owner), await open(member)];
      const word = `quokka${Math.random().toString(36).slice(2, 8)}`;
      const mention = await send(ownerSocket, { roomId: groupId, clientMsgId: 'hello', body: `${word} @${member.handle}` });
      const mine = await send(memberSocket, { roomId: groupId, clientMsgId: 'mine', body: 'mine to change' });
      for (const [event, payload] of [
        ['reaction:add', { messageId: mention.message.id, emoji: '👍' }],
        ['reaction:remove', { messageId: mention.message.id, emoji: '👍' }],
        ['message:edit', { messageId: mine.message.id, body: 'changed' }],
        ['message:delete', { messageId: mine.message.id }],
      ] as const) {
        expect(await emitAck(memberSocket, event, payload), event).toMatchObject({ ok: true, message: { id: payload.messageId } });
      }
      // Someone else's message is not the member's to change: forbidden, not not_found (they can see it).
      expect(await emitAck(memberSocket, 'message:edit', { messageId: mention.message.id, body: 'no' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await api(server.url, `/api/v1/search?q=${word}`, { token: member.token })).body.results.map((r: any) => r.message.id)).toEqual([mention.message.id]);
      expect((await api(server.url, '/api/v1/mentions', { token: member.token })).body.results.map((r: any) => r.message.id)).toContain(mention.message.id);
      expect((await api(server.url, `/api/v1/rooms/${groupId}/notifications`, { method: 'PATCH', token: member.token, body: { level: 'mute' } })).status).toBe(200);
      expect((await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: member.token, body: { hideText: true } })).status).toBe(200);
      expect((await api(server.url, '/api/v1/push/key', { token: member.token })).status).toBe(200);
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const device = { endpoint: 'https://push.example/matrix-device', keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
      expect((await api(server.url, '/api/v1/push/subscriptions', { token: member.token, body: device })).status).toBe(201);
      expect((await api(server.url, '/api/v1/push/subscriptions', { method: 'DELETE', token: member.token, body: { endpoint: device.endpoint } })).status).toBe(200);
      // And someone else's subscription is not theirs to remove.
      expect((await api(server.url, '/api/v1/push/subscriptions', { token: member.token, body: device })).status).toBe(201);
      expect((await api(server.url, '/api/v1/push/subscriptions', { method: 'DELETE', token: owner.token, body: { endpoint: device.endpoint } })).status).toBe(404);
    });

    it('an invitee lists and accepts their invite; the invite is theirs alone', async () => {
      const [owner, invitee, other] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'dave'), createUser(server.url, 'carol')]);
      const { room } = (await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'invited', members: [invitee.handle] } })).body;
      expect((await api(server.url, '/api/v1/invites', { token: other.token })).body.invites.map((i: any) => i.roomId ?? i.room?.id)).not.toContain(room.id);
      expect((await api(server.url, `/api/v1/invites/${room.id}/accept`, { token: other.token, body: {} })).status).toBe(404);
      expect(JSON.stringify((await api(server.url, '/api/v1/invites', { token: invitee.token })).body)).toContain(room.id);
      expect((await api(server.url, `/api/v1/invites/${room.id}/accept`, { token: invitee.token, body: {} })).status).toBe(200);
      expect((await api(server.url, `/api/v1/rooms/${room.id}/messages`, { token: invitee.token })).status).toBe(200);
    });
  });

  describe('a signed-in non-admin on /api/v1/admin/* → 403', () => {
    it.each(REST.filter((row) => row.admin).map((row) => [row.route, row] as const))('%s', async (_route, row) => {
      const reply = await call(row, fx.member);
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
    });

    it.each(ADMIN_INVALID.map((row) => [row.route, row] as const))('%s with invalid input is still 403, not 400', async (_route, row) => {
      const reply = await call(row, fx.member);
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
    });

    it('while an admin is served by the read-only ones', async () => {
      for (const row of REST.filter((r) => r.admin && methodOf(r) === 'GET')) {
        expect((await call(row, fx.admin)).status, row.route).toBe(200);
      }
    });
  });

  describe('a banned user', () => {
    it.each(REST.filter((row) => !row.public).map((row) => [row.route, row] as const))('%s with their old token → 401', async (_route, row) => {
      const reply = await call(row, fx.banned);
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('unauthorized');
    });

    it('is refused at the socket handshake', async () => {
      await expect(connect(server.url, { token: fx.banned.token })).rejects.toThrow('unauthorized');
    });

    it('POST /api/v1/tokens → 403 forbidden (and a wrong password is still 401)', async () => {
      const reply = await api(server.url, '/api/v1/tokens', { body: { username: fx.banned.handle, password: fx.banned.password } });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
      const wrong = await api(server.url, '/api/v1/tokens', { body: { username: fx.banned.handle, password: 'not the password' } });
      expect(wrong.status).toBe(401);
    });
  });
});
