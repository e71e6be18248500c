import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { TEST_DATABASE_URL, TEST_SECRET } from '../helpers/services';
import { waitFor } from '../helpers/wait';

// Real server processes on real Postgres and Redis. The main node keeps the link rule for new
// accounts (1 h) and masks banned words; the second refuses them and allows two links an hour.
const root = path.resolve(import.meta.dirname, '../..');
const MAIN_ENV = { SPAM_LINK_MIN_ACCOUNT_AGE_MS: String(60 * 60 * 1000), BANNED_WORDS: 'frack, gorram', PRESENCE_GRACE_MS: '200' };
const REFUSE_ENV = { BANNED_WORDS: 'frack', BANNED_WORDS_MODE: 'refuse', SPAM_MAX_LINKS_PER_HOUR: '2' };

let server: AppServer;
let refuseServer: AppServer;
const sockets: TestSocket[] = [];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(user: { token: string }, node: AppServer = server) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

function collect<T = any>(socket: TestSocket, event: string) {
  const received: T[] = [];
  (socket as any).on(event, (payload: T) => received.push(payload));
  return received;
}

const send = (socket: TestSocket, payload: unknown) => emitAck(socket, 'message:send', payload);

async function createGroup(owner: TestUser, name: string, members: TestUser[], node: AppServer = server): Promise<string> {
  const reply = await api(node.url, '/api/v1/groups', { token: owner.token, body: { name, members: members.map((m) => m.handle) } });
  if (reply.status !== 201) throw new Error(`group failed: ${JSON.stringify(reply.body)}`);
  return reply.body.room.id;
}

async function history(user: TestUser, roomId: string, node: AppServer = server) {
  const reply = await api(node.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: user.token });
  if (reply.status !== 200) throw new Error(`history failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.messages as any[];
}

const roomIds = async (user: TestUser) => (await api(server.url, '/api/v1/rooms', { token: user.token })).body.rooms.map((room: any) => room.id);
const requestRoomIds = async (user: TestUser) => (await api(server.url, '/api/v1/requests', { token: user.token })).body.requests.map((r: any) => r.roomId);

/** Makes a user an admin the documented way: the CLI against the database. */
async function grantAdmin(handle: string) {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['scripts/admin.ts', 'grant', handle], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, NEXTAUTH_SECRET: TEST_SECRET, REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`admin grant ${handle} failed (${code}): ${output}`);
}

async function createAdmin(prefix = 'admin') {
  const admin = await createUser(server.url, prefix);
  await grantAdmin(admin.handle);
  return admin;
}

async function auditFor(admin: TestUser, targetId: string) {
  const reply = await api(server.url, '/api/v1/admin/audit', { token: admin.token });
  expect(reply.status).toBe(200);
  return (reply.body.entries as any[]).filter((entry) => entry.targetId === targetId);
}

/** A browser sign-in (next-auth credentials, as the sign-in form posts it): the `error` it is answered with, or null. */
async function browserSignInError(baseUrl: string, username: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken, username, password, json: 'true' }),
  });
  const { url } = await response.json();
  return new URL(url).searchParams.get('error');
}

beforeAll(async () => {
  [server, refuseServer] = await Promise.all([startAppServer(MAIN_ENV), startAppServer(REFUSE_ENV)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([server?.stop(), refuseServer?.stop()]);
});

// ---------------------------------------------------------------------------------------------
// The authorization matrix: every REST route and every client socket event, by kind of caller.
// ---------------------------------------------------------------------------------------------

type Fixtures = {
  owner: TestUser; // alice: owns the group, talks with bob, has blocked mallory
  member: TestUser; // bob
  outsider: TestUser; // carol: in none of those rooms
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
  admin?: true;
};

const REST: RestRow[] = [
  { route: 'POST /api/v1/users', path: () => '/api/v1/users', body: () => ({}), public: true },
  { route: 'GET /api/v1/users', path: () => '/api/v1/users?q=a' },
  { route: 'POST /api/v1/tokens', path: () => '/api/v1/tokens', body: () => ({}), public: true },
  { route: 'GET /api/v1/me', path: () => '/api/v1/me' },
  { route: 'PATCH /api/v1/me', path: () => '/api/v1/me', body: () => ({ displayName: 'Renamed' }) },
  { route: 'GET /api/v1/rooms', path: () => '/api/v1/rooms' },
  { route: 'GET /api/v1/rooms/[roomId]/messages', path: (f) => `/api/v1/rooms/${f.groupId}/messages`, nonMember: true },
  { route: 'POST /api/v1/rooms/[roomId]/messages', path: (f) => `/api/v1/rooms/${f.groupId}/messages`, body: () => ({ clientMsgId: 'mx', body: 'let me in' }), nonMember: true },
  { route: 'POST /api/v1/rooms/[roomId]/read', path: (f) => `/api/v1/rooms/${f.groupId}/read`, body: () => ({ seq: 1 }), nonMember: true },
  { route: 'POST /api/v1/groups', path: () => '/api/v1/groups', body: () => ({ name: 'mine', members: [] }) },
  { route: 'GET /api/v1/groups/[roomId]/users', path: (f) => `/api/v1/groups/${f.groupId}/users`, nonMember: true },
  { route: 'POST /api/v1/groups/[roomId]/users', path: (f) => `/api/v1/groups/${f.groupId}/users`, body: (f) => ({ handle: f.outsider.handle }), nonMember: true },
  { route: 'DELETE /api/v1/groups/[roomId]/users/[handle]', path: (f) => `/api/v1/groups/${f.groupId}/users/${f.member.handle}`, nonMember: true },
  { route: 'GET /api/v1/contacts', path: () => '/api/v1/contacts' },
  { route: 'GET /api/v1/presence', path: (f) => `/api/v1/presence?handles=${f.owner.handle}` },
  { route: 'GET /api/v1/sessions', path: () => '/api/v1/sessions' },
  { route: 'DELETE /api/v1/sessions/[sessionId]', path: (f) => `/api/v1/sessions/${f.ownerSessionId}`, nonMember: true },
  { route: 'GET /api/v1/requests', path: () => '/api/v1/requests' },
  { route: 'POST /api/v1/requests/[roomId]/accept', path: (f) => `/api/v1/requests/${f.directId}/accept`, body: () => ({}), nonMember: true },
  { route: 'POST /api/v1/requests/[roomId]/ignore', path: (f) => `/api/v1/requests/${f.directId}/ignore`, body: () => ({}), nonMember: true },
  { route: 'GET /api/v1/blocks', path: () => '/api/v1/blocks' },
  { route: 'POST /api/v1/blocks', path: () => '/api/v1/blocks', body: (f) => ({ handle: f.victim.handle }) },
  { route: 'DELETE /api/v1/blocks/[handle]', path: (f) => `/api/v1/blocks/${f.victim.handle}` },
  { route: 'POST /api/v1/reports', path: () => '/api/v1/reports', body: (f) => ({ messageId: f.messageId, reason: 'spam' }), nonMember: true },
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
];

type BlockedRow = { name: string; run: (f: Fixtures) => Promise<void> };
const expectForbiddenAck = (ack: any) => expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
const expectForbidden = (reply: { status: number; body: any }) => {
  expect(reply.status).toBe(403);
  expect(reply.body.error.code).toBe('forbidden');
};
/**
 * Both sides of the block act (`act('blocked')`, `act('owner')`): the bystander in the shared group sees
 * both, and neither side sees anything of the other.
 */
async function expectNothingAcrossBlock(f: Fixtures, event: string, act: (side: 'blocked' | 'owner') => Promise<void>) {
  const seen = { owner: collect(f.sockets.owner, event), member: collect(f.sockets.member, event), blocked: collect(f.sockets.blocked, event) };
  await act('blocked');
  await act('owner');
  await waitFor(() => [f.blocked, f.owner].every((user) => seen.member.some((payload) => payload.handle === user.handle)), 5000, `bob sees ${event} from both`);
  await pause(200);
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
      await pause(200);
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
      await pause(200);
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
      // The previous row moved both cursors; bob sees them, the two on either side of the block do not.
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
    name: 'presence events go to the others, not across the block',
    run: async (f) => {
      const seen = { owner: collect(f.sockets.owner, 'presence'), member: collect(f.sockets.member, 'presence') };
      f.sockets.blocked.close();
      await waitFor(() => seen.member.some((event) => event.handle === f.blocked.handle && event.status === 'offline'), 5000, 'bob sees mallory offline');
      f.sockets.blocked = await open(f.blocked);
      await waitFor(() => seen.member.some((event) => event.handle === f.blocked.handle && event.status === 'online'), 5000, 'bob sees mallory online');
      await pause(200);
      expect(seen.owner.filter((event) => event.handle === f.blocked.handle)).toEqual([]);
    },
  },
];

describe('authorization matrix', () => {
  beforeAll(async () => {
    const [owner, member, outsider, blocked, banned, victim, admin] = await Promise.all([
      createUser(server.url, 'alice'),
      createUser(server.url, 'bob'),
      createUser(server.url, 'carol'),
      createUser(server.url, 'mallory'),
      createUser(server.url, 'banned'),
      createUser(server.url, 'victim'),
      createAdmin(),
    ]);
    Object.assign(fx, { owner, member, outsider, blocked, banned, victim, admin });
    fx.groupId = await createGroup(owner, 'matrix', [member]);
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
    const socketEvents = new Set([...ROOM_EVENTS.map((row) => row.event), 'presence:query']);
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

    it('the member is served by the same rows (the 404s are about membership)', async () => {
      for (const row of REST.filter((r) => r.nonMember && methodOf(r) === 'GET')) {
        expect((await call(row, fx.member)).status, row.route).toBe(200);
      }
      const memberSocket = await open(fx.member);
      expect(await emitAck(memberSocket, 'room:sync', { roomId: fx.groupId, afterSeq: 0 })).toMatchObject({ ok: true });
    });
  });

  describe('between a blocker and the blocked user → 403 / forbidden', () => {
    it.each(BLOCKED.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      await row.run(fx);
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

// ---------------------------------------------------------------------------------------------

describe('message requests', () => {
  it('puts a first message from a stranger in /requests, not /rooms, until accepted', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice', 'Alice Asks'), createUser(server.url, 'bob')]);
    const first = await send(await open(alice), { to: bob.handle, clientMsgId: 'r1', body: 'hi stranger' });
    expect(first.ok).toBe(true);
    const roomId = first.message.roomId;

    expect(await roomIds(bob)).not.toContain(roomId);
    expect(await roomIds(alice)).toContain(roomId);
    const requests = await api(server.url, '/api/v1/requests', { token: bob.token });
    expect(requests.status).toBe(200);
    expect(requests.body.requests).toEqual([
      { roomId, from: { handle: alice.handle, displayName: 'Alice Asks' }, lastMessage: first.message, createdAt: expect.any(String) },
    ]);
    expect(await requestRoomIds(alice)).toEqual([]);

    const bobSocket = await open(bob);
    const updated = collect(bobSocket, 'room:updated');
    expect(await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await roomIds(bob)).toContain(roomId);
    expect(await requestRoomIds(bob)).toEqual([]);
    await waitFor(() => updated.some((event) => event.roomId === roomId), 5000, 'room:updated after accepting');
    // Nothing left to accept or ignore.
    expect((await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).status).toBe(404);
    expect((await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(404);
  });

  it('ignoring takes it off the list without telling the sender; it can still be accepted later', async () => {
    const [carol, bob] = await Promise.all([createUser(server.url, 'carol'), createUser(server.url, 'bob')]);
    const carolSocket = await open(carol);
    const first = await send(carolSocket, { to: bob.handle, clientMsgId: 'i1', body: 'psst' });
    const roomId = first.message.roomId;
    const carolUpdates = collect(carolSocket, 'room:updated');

    expect(await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await requestRoomIds(bob)).toEqual([]);
    expect(await roomIds(bob)).not.toContain(roomId);
    // The sender sees nothing change.
    expect(await roomIds(carol)).toContain(roomId);
    await pause(200);
    expect(carolUpdates).toEqual([]);
    expect((await api(server.url, `/api/v1/requests/${roomId}/ignore`, { token: bob.token, body: {} })).status).toBe(404);

    expect((await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} })).status).toBe(200);
    expect(await roomIds(bob)).toContain(roomId);
  });

  it('replying accepts it, by roomId or by handle', async () => {
    const [dave, erin, bob] = await Promise.all([createUser(server.url, 'dave'), createUser(server.url, 'erin'), createUser(server.url, 'bob')]);
    const bobSocket = await open(bob);
    const fromDave = await send(await open(dave), { to: bob.handle, clientMsgId: 'x1', body: 'hey' });
    const fromErin = await send(await open(erin), { to: bob.handle, clientMsgId: 'x1', body: 'yo' });
    expect((await requestRoomIds(bob)).sort()).toEqual([fromDave.message.roomId, fromErin.message.roomId].sort());

    expect((await send(bobSocket, { roomId: fromDave.message.roomId, clientMsgId: 'y1', body: 'hi dave' })).ok).toBe(true);
    expect((await send(bobSocket, { to: erin.handle, clientMsgId: 'y2', body: 'hi erin' })).ok).toBe(true);
    expect(await requestRoomIds(bob)).toEqual([]);
    expect(await roomIds(bob)).toEqual(expect.arrayContaining([fromDave.message.roomId, fromErin.message.roomId]));
  });

  it('is not a request between people who share a group', async () => {
    const [owner, erin, frank] = await Promise.all([createUser(server.url, 'owner'), createUser(server.url, 'erin'), createUser(server.url, 'frank')]);
    await createGroup(owner, 'friends', [erin, frank]);
    const direct = await send(await open(erin), { to: frank.handle, clientMsgId: 'f1', body: 'hi frank' });
    expect(await roomIds(frank)).toContain(direct.message.roomId);
    expect(await requestRoomIds(frank)).toEqual([]);
  });

  it('cannot be answered by someone else, nor for a room that is not a request', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const first = await send(await open(alice), { to: bob.handle, clientMsgId: 'o1', body: 'hi' });
    for (const answer of ['accept', 'ignore']) {
      expect((await api(server.url, `/api/v1/requests/${first.message.roomId}/${answer}`, { token: carol.token, body: {} })).status).toBe(404);
      // The sender's own side is not a request.
      expect((await api(server.url, `/api/v1/requests/${first.message.roomId}/${answer}`, { token: alice.token, body: {} })).status).toBe(404);
      expect((await api(server.url, `/api/v1/requests/no-such-room/${answer}`, { token: bob.token, body: {} })).status).toBe(404);
    }
    expect(await requestRoomIds(bob)).toEqual([first.message.roomId]);
  });

  it('sends the stranger no receipts before the request is accepted, so they cannot tell the recipient is online', async () => {
    const [stranger, bob] = await Promise.all([createUser(server.url, 'stranger'), createUser(server.url, 'bob')]);
    const strangerSocket = await open(stranger);
    const bobSocket = await open(bob);
    const receipts = collect(strangerSocket, 'receipt');
    const bobInbox = collectMessages(bobSocket);
    const first = await send(strangerSocket, { to: bob.handle, clientMsgId: 'rq1', body: 'are you there?' });
    const roomId = first.message.roomId;
    await bobInbox.waitFor(1);

    // What the web client does when a message arrives, and what a catch-up does: both count as delivered.
    expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq: first.message.seq })).toEqual({ ok: true });
    expect(await emitAck(bobSocket, 'room:sync', { roomId, afterSeq: 0 })).toMatchObject({ ok: true, messages: [first.message] });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const cursor = await client.query('SELECT rm."deliveredSeq", rm.request FROM "RoomMember" rm JOIN "User" u ON u.id = rm."userId" WHERE rm."roomId" = $1 AND u.handle = $2', [roomId, bob.handle]);
    await client.end();
    expect(cursor.rows).toEqual([{ deliveredSeq: 0, request: 'pending' }]);
    // Reading it in the request view moves bob's own unread count, and still tells the stranger nothing.
    expect(await emitAck(bobSocket, 'room:read', { roomId, seq: first.message.seq })).toEqual({ ok: true, unread: 0 });
    await pause(300);
    expect(receipts).toEqual([]);
    const asSeen = (await api(server.url, '/api/v1/rooms', { token: stranger.token })).body.rooms.find((room: any) => room.id === roomId);
    expect(asSeen.members.find((member: any) => member.handle === bob.handle)).toMatchObject({ readSeq: 0, deliveredSeq: 0 });

    // Once accepted, receipts flow as usual.
    await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} });
    const second = await send(strangerSocket, { roomId, clientMsgId: 'rq2', body: 'thanks' });
    expect(await emitAck(bobSocket, 'room:delivered', { roomId, seq: second.message.seq })).toEqual({ ok: true });
    await waitFor(() => receipts.some((r) => r.reader === bob.handle && r.kind === 'delivered' && r.seq === second.message.seq), 5000, 'delivered after accepting');
  });

  it('shows neither side presence to the other until accepted', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const aliceSocket = await open(alice);
    const bobSocket = await open(bob);
    const first = await send(aliceSocket, { to: bob.handle, clientMsgId: 'p1', body: 'hello' });
    const alicePresence = collect(aliceSocket, 'presence');

    // Pushed: bob going away and coming back is not announced to the stranger.
    bobSocket.close();
    await pause(600);
    const bobAgain = await open(bob);
    await pause(300);
    expect(alicePresence.filter((event) => event.handle === bob.handle)).toEqual([]);

    // Pulled: queries do not reveal it either, in both directions.
    const hidden = (statuses: any[], handle: string) => statuses.every((s) => s.handle !== handle || (s.status === 'offline' && s.lastSeenAt === null));
    const aliceAsks = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(hidden(aliceAsks.statuses, bob.handle), JSON.stringify(aliceAsks.statuses)).toBe(true);
    const bobAsks = await api(server.url, `/api/v1/presence?handles=${alice.handle}`, { token: bob.token });
    expect(hidden(bobAsks.body.statuses, alice.handle), JSON.stringify(bobAsks.body.statuses)).toBe(true);

    await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { token: bob.token, body: {} });
    const afterAccept = await emitAck(aliceSocket, 'presence:query', { handles: [bob.handle] });
    expect(afterAccept.statuses).toEqual([{ handle: bob.handle, status: 'online', lastSeenAt: null }]);
    bobAgain.close();
    await waitFor(() => alicePresence.some((event) => event.handle === bob.handle && event.status === 'offline'), 5000, 'bob offline after accepting');
  });

  it('passes the recipient\'s typing to the stranger only once the request is accepted', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
    const { roomId } = (await send(aliceSocket, { to: bob.handle, clientMsgId: 't1', body: 'hello' })).message;
    const aliceTyping = collect(aliceSocket, 'typing');

    expect(await emitAck(bobSocket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    await pause(300);
    expect(aliceTyping).toEqual([]);

    await api(server.url, `/api/v1/requests/${roomId}/accept`, { token: bob.token, body: {} });
    expect(await emitAck(bobSocket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    await waitFor(() => aliceTyping.length > 0, 5000, 'bob typing after accepting');
    expect(aliceTyping).toEqual([{ roomId, handle: bob.handle, typing: true }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('blocking', () => {
  it('lists, refuses bad targets and unblocks', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal', 'Mal Reynolds')]);
    const blocked = await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle.toUpperCase() } });
    expect(blocked.status).toBe(201);
    expect(blocked.body).toEqual({ blocked: { handle: mal.handle, displayName: 'Mal Reynolds' } });
    // Blocking twice is harmless.
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } })).status).toBe(201);
    const list = await api(server.url, '/api/v1/blocks', { token: alice.token });
    expect(list.body).toEqual({ blocks: [{ handle: mal.handle, displayName: 'Mal Reynolds', createdAt: expect.any(String) }] });
    expect((await api(server.url, '/api/v1/blocks', { token: mal.token })).body).toEqual({ blocks: [] });

    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: alice.handle } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: 'no_such_user_here' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: 'x!' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle, extra: 1 } })).status).toBe(400);

    const aliceSocket = await open(alice);
    expect(await send(aliceSocket, { to: mal.handle, clientMsgId: 'u0', body: 'blocked' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api(server.url, `/api/v1/blocks/${mal.handle}`, { method: 'DELETE', token: alice.token })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token })).body.blocks).toEqual([]);
    expect((await api(server.url, `/api/v1/blocks/${mal.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(404);
    // Unblocked: messages flow again, both ways.
    const again = await send(aliceSocket, { to: mal.handle, clientMsgId: 'u1', body: 'friends again' });
    expect(again.ok).toBe(true);
    expect((await send(await open(mal), { roomId: again.message.roomId, clientMsgId: 'u2', body: 'ok' })).ok).toBe(true);
  });

  it('settles a pending request from the blocked person', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal')]);
    const malSocket = await open(mal);
    const first = await send(malSocket, { to: alice.handle, clientMsgId: 'q1', body: 'buy my stuff' });
    expect(await requestRoomIds(alice)).toEqual([first.message.roomId]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    expect(await requestRoomIds(alice)).toEqual([]);
    expect(await send(malSocket, { roomId: first.message.roomId, clientMsgId: 'q2', body: 'hello?' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await history(mal, first.message.roomId)).map((m) => m.clientMsgId)).toEqual(['q1']);
    // And the blocker's view of the conversation leaves the blocked person's messages out.
    expect(await history(alice, first.message.roomId)).toEqual([]);
  });

  it('in a shared group, the blocker gets nothing the blocked person writes: live, history, sync, unread', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'shared', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const aliceSocket = await open(alice);
    const carolSocket = await open(carol);
    const malSocket = await open(mal);
    const aliceInbox = collectMessages(aliceSocket);
    const carolInbox = collectMessages(carolSocket);

    const fromMal = await send(malSocket, { roomId: groupId, clientMsgId: 'm1', body: 'from mal' });
    const fromCarol = await send(carolSocket, { roomId: groupId, clientMsgId: 'c1', body: 'from carol' });
    const fromMal2 = await send(malSocket, { roomId: groupId, clientMsgId: 'm2', body: 'mal again' });
    expect([fromMal, fromCarol, fromMal2].every((ack) => ack.ok)).toBe(true);

    await waitFor(() => carolInbox.received.some((m) => m.id === fromMal2.message.id), 5000, 'carol gets mal');
    await waitFor(() => aliceInbox.received.some((m) => m.id === fromCarol.message.id), 5000, 'alice gets carol');
    await pause(300);
    expect(aliceInbox.received.filter((m) => m.sender === mal.handle)).toEqual([]);

    const aliceHistory = await history(alice, groupId);
    expect(aliceHistory.filter((m) => m.sender === mal.handle)).toEqual([]);
    expect(aliceHistory.map((m) => m.id)).toContain(fromCarol.message.id);
    expect((await history(carol, groupId)).map((m) => m.id)).toEqual(expect.arrayContaining([fromMal.message.id, fromMal2.message.id]));

    const sync = await emitAck(aliceSocket, 'room:sync', { roomId: groupId, afterSeq: 0 });
    expect(sync.ok).toBe(true);
    expect(sync.messages.filter((m: any) => m.sender === mal.handle)).toEqual([]);
    expect(sync.messages.map((m: any) => m.id)).toContain(fromCarol.message.id);

    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === groupId);
    expect(room.unread).toBe(1);
    // The blocked person still sees the group and the others in it.
    expect((await history(mal, groupId)).map((m) => m.id)).toContain(fromCarol.message.id);
  });

  it('does not show the blocked person’s message as the last message in the blocker’s room list', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'last word', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const hidden = await send(await open(mal), { roomId: groupId, clientMsgId: 'last', body: 'the hidden last word' });
    expect(hidden.ok).toBe(true);
    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === groupId);
    expect(room.lastMessage?.sender).not.toBe(mal.handle);
    expect(JSON.stringify(room)).not.toContain('the hidden last word');
  });

  it('leaves the blocked person’s direct messages out of unread counts, in rooms and contacts', async () => {
    const [alice, mal] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal')]);
    const malSocket = await open(mal);
    const first = await send(malSocket, { to: alice.handle, clientMsgId: 'c1', body: 'one' });
    await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { token: alice.token, body: {} });
    await send(malSocket, { roomId: first.message.roomId, clientMsgId: 'c2', body: 'two' });
    expect((await api(server.url, '/api/v1/contacts', { token: alice.token })).body.contacts).toEqual([
      expect.objectContaining({ handle: mal.handle, unread: 2 }),
    ]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const room = (await api(server.url, '/api/v1/rooms', { token: alice.token })).body.rooms.find((r: any) => r.id === first.message.roomId);
    expect(room.unread).toBe(0);
    const contacts = (await api(server.url, '/api/v1/contacts', { token: alice.token })).body.contacts;
    expect(contacts.filter((c: any) => c.handle === mal.handle && c.unread > 0)).toEqual([]);
  });

  it('passes neither presence nor typing between them, while others get both', async () => {
    const [alice, mal, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mal'), createUser(server.url, 'carol')]);
    const groupId = await createGroup(carol, 'watchers', [alice, mal]);
    await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mal.handle } });
    const aliceSocket = await open(alice);
    const carolSocket = await open(carol);
    const alicePresence = collect(aliceSocket, 'presence');
    const carolPresence = collect(carolSocket, 'presence');
    const aliceTyping = collect(aliceSocket, 'typing');
    const carolTyping = collect(carolSocket, 'typing');

    const malSocket = await open(mal);
    const malPresence = collect(malSocket, 'presence');
    const malTyping = collect(malSocket, 'typing');
    await waitFor(() => carolPresence.some((e) => e.handle === mal.handle && e.status === 'online'), 5000, 'carol sees mal online');

    expect(await emitAck(malSocket, 'typing', { roomId: groupId, typing: true })).toEqual({ ok: true });
    expect(await emitAck(aliceSocket, 'typing', { roomId: groupId, typing: true })).toEqual({ ok: true });
    await waitFor(() => carolTyping.some((e) => e.handle === mal.handle) && carolTyping.some((e) => e.handle === alice.handle), 5000, 'carol sees both typing');

    // Alice goes away and comes back: carol is told, mal is not.
    aliceSocket.close();
    await waitFor(() => carolPresence.some((e) => e.handle === alice.handle && e.status === 'offline'), 5000, 'carol sees alice offline');
    malSocket.close();
    await waitFor(() => carolPresence.some((e) => e.handle === mal.handle && e.status === 'offline'), 5000, 'carol sees mal offline');
    await pause(300);

    expect(alicePresence.filter((e) => e.handle === mal.handle)).toEqual([]);
    expect(malPresence.filter((e) => e.handle === alice.handle)).toEqual([]);
    expect(aliceTyping.filter((e) => e.handle === mal.handle)).toEqual([]);
    expect(malTyping.filter((e) => e.handle === alice.handle)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('content checks', () => {
  it('refuses control characters and bidi overrides on both transports, storing nothing', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const socket = await open(alice);
    const roomId = await createGroup(alice, 'content', [bob]);
    const bad = ['ring \u0007 bell', 'abc\u202Edef', 'nul\u0000here', '\u2066isolate\u2069', 'esc\u001b[31m', 'del\u007f', 'vt\u000bff\u000c'];
    for (const [index, body] of bad.entries()) {
      const ack = await send(socket, { roomId, clientMsgId: `bad-${index}`, body });
      expect(ack, JSON.stringify(body)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/control/) } });
      const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: `rbad-${index}`, body } });
      expect(rest.status, JSON.stringify(body)).toBe(400);
    }
    const direct = await send(socket, { to: bob.handle, clientMsgId: 'bad-direct', body: 'x\u202Ey' });
    expect(direct.error.code).toBe('bad_request');

    // Tab and newlines are fine; bodies are NFC-normalised.
    const fine = await send(socket, { roomId, clientMsgId: 'fine', body: 'line one\n\tline two\r\n' });
    expect(fine.message.body).toBe('line one\n\tline two\r\n');
    const composed = await send(socket, { roomId, clientMsgId: 'nfc', body: 'cafe\u0301' });
    expect(composed.message.body).toBe('caf\u00e9');

    const texts = (await history(bob, roomId)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => m.clientMsgId)).toEqual(['fine', 'nfc']);
    expect(texts[1].body).toBe('caf\u00e9');
    expect(await requestRoomIds(bob)).toEqual([]);
  });

  it('masks banned words with asterisks (BANNED_WORDS_MODE=mask), stored and delivered alike', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(alice, 'mask', [bob]);
    const bobInbox = collectMessages(await open(bob));
    const ack = await send(await open(alice), { roomId, clientMsgId: 'w1', body: 'you FRACK-head, gorram it, frackle stays' });
    expect(ack.ok).toBe(true);
    expect(ack.message.body).toBe('you *****-head, ****** it, frackle stays');
    const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: bob.token, body: { clientMsgId: 'w2', body: 'frack' } });
    expect(rest.status).toBe(201);
    expect(rest.body.message.body).toBe('*****');
    await bobInbox.waitFor(2);
    expect(bobInbox.received.find((m) => m.id === ack.message.id)?.body).toBe(ack.message.body);
    const stored = (await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.body);
    expect(stored).toEqual(['you *****-head, ****** it, frackle stays', '*****']);
    expect(stored.join(' ')).not.toMatch(/frack\b|gorram/i);
  });

  it('refuses banned words with bad_request when BANNED_WORDS_MODE=refuse', async () => {
    const [alice, bob] = await Promise.all([createUser(refuseServer.url, 'alice'), createUser(refuseServer.url, 'bob')]);
    const roomId = await createGroup(alice, 'refuse', [bob], refuseServer);
    const socket = await open(alice, refuseServer);
    for (const body of ['what the frack', 'FRACK', 'frack!']) {
      const ack = await send(socket, { roomId, clientMsgId: `no-${body}`, body });
      expect(ack, body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const rest = await api(refuseServer.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'rest', body: 'oh frack' } });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('bad_request');
    expect((await send(socket, { roomId, clientMsgId: 'ok', body: 'frackle is fine' })).message.body).toBe('frackle is fine');
    const texts = (await history(bob, roomId, refuseServer)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => m.clientMsgId)).toEqual(['ok']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('links held for review', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createAdmin();
  });

  it('holds a first direct message with a link from a new account, creating nothing, until an admin releases or discards it', async () => {
    const newbie = await createUser(server.url, 'newbie');
    const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(server.url, 'stranger')));
    const newbieSocket = await open(newbie);
    const inboxes = await Promise.all(strangers.map(async (stranger) => collectMessages(await open(stranger))));
    const bodies = ['see https://example.com/deal', 'visit www.example.org now', 'click javascript:alert(1)', 'HTTP://EXAMPLE.COM', 'hi http://example.net'];

    for (const [index, body] of bodies.entries()) {
      const ack = await send(newbieSocket, { to: strangers[index].handle, clientMsgId: `h-${index}`, body });
      expect(ack, body).toMatchObject({ ok: false, error: { code: 'held_for_review', message: expect.any(String) } });
    }
    // Without a scheme or www. it is not a link.
    const plain = await send(newbieSocket, { to: strangers[4].handle, clientMsgId: 'plain', body: 'example dot com' });
    expect(plain.ok).toBe(true);

    // Nothing was stored: no conversation exists for the first four, not even as a request.
    expect(await roomIds(newbie)).toEqual([plain.message.roomId]);
    for (const stranger of strangers.slice(0, 4)) {
      expect(await roomIds(stranger)).toEqual([]);
      expect(await requestRoomIds(stranger)).toEqual([]);
    }
    expect((await history(strangers[4], plain.message.roomId)).map((m) => m.clientMsgId)).toEqual(['plain']);

    // The moderation queue has them, for admins only.
    expect((await api(server.url, '/api/v1/admin/held', { token: newbie.token })).status).toBe(403);
    const queue = await api(server.url, '/api/v1/admin/held', { token: admin.token });
    expect(queue.status).toBe(200);
    const mine = (queue.body.held as any[]).filter((item) => item.sender === newbie.handle);
    expect(mine.map((item) => item.body).sort()).toEqual([...bodies].sort());
    for (const item of mine) {
      expect(Object.keys(item).sort()).toEqual(['body', 'createdAt', 'id', 'reason', 'roomId', 'sender']);
      expect(item.reason).toBe('link from a new account');
    }
    const idOf = (index: number) => mine.find((item) => item.body === bodies[index]).id;

    // Release: the conversation is created with the message (a request for the stranger), pushed live.
    const release = await api(server.url, `/api/v1/admin/held/${idOf(0)}`, { token: admin.token, body: { action: 'release', reason: 'legit' } });
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ ok: true, message: { seq: 1, sender: newbie.handle, clientMsgId: 'h-0', body: bodies[0] } });
    await waitFor(() => inboxes[0].received.some((m) => m.id === release.body.message.id), 5000, 'the stranger gets the released message');
    expect(await requestRoomIds(strangers[0])).toEqual([release.body.message.roomId]);
    expect((await history(strangers[0], release.body.message.roomId)).map((m) => m.id)).toEqual([release.body.message.id]);

    // Discard drops it; a decided item cannot be decided again.
    expect(await api(server.url, `/api/v1/admin/held/${idOf(2)}`, { token: admin.token, body: { action: 'discard', reason: 'xss attempt' } })).toMatchObject({
      status: 200,
      body: { ok: true, message: null },
    });
    for (const id of [idOf(0), idOf(2)]) {
      for (const action of ['release', 'discard']) {
        expect((await api(server.url, `/api/v1/admin/held/${id}`, { token: admin.token, body: { action } })).status).toBe(404);
      }
    }
    expect((await api(server.url, `/api/v1/admin/held/${idOf(1)}`, { token: admin.token, body: { action: 'maybe' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/admin/held/no-such-held', { token: admin.token, body: { action: 'release' } })).status).toBe(404);
    expect(await roomIds(strangers[2])).toEqual([]);
    expect(inboxes[2].received).toEqual([]);
    const after = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(after.map((item: any) => item.body).sort()).toEqual([bodies[1], bodies[3], bodies[4]].sort());

    // Every decision is in the audit log.
    expect(await auditFor(admin, idOf(0))).toEqual([expect.objectContaining({ actor: admin.handle, action: 'held.release', targetType: 'held', reason: 'legit' })]);
    expect(await auditFor(admin, idOf(2))).toEqual([expect.objectContaining({ actor: admin.handle, action: 'held.discard', targetType: 'held', reason: 'xss attempt' })]);
  });

  it('holds a link sent into an existing conversation, and releasing it appends it there live', async () => {
    const [newbie, bob] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(bob, 'links', [newbie]);
    const newbieSocket = await open(newbie);
    const bobInbox = collectMessages(await open(bob));

    const ack = await send(newbieSocket, { roomId, clientMsgId: 'g-link', body: 'look https://example.com/x' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'held_for_review' } });
    const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: 'g-rest', body: 'www.example.com' } });
    expect(rest.status).toBe(403);
    expect(rest.body.error.code).toBe('held_for_review');
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text')).toEqual([]);

    const queued = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(queued.map((item: any) => [item.roomId, item.body]).sort()).toEqual([[roomId, 'look https://example.com/x'], [roomId, 'www.example.com']].sort());
    const release = await api(server.url, `/api/v1/admin/held/${queued.find((item: any) => item.body.startsWith('look')).id}`, { token: admin.token, body: { action: 'release' } });
    expect(release).toMatchObject({ status: 200, body: { ok: true, message: { roomId, sender: newbie.handle, clientMsgId: 'g-link' } } });
    await waitFor(() => bobInbox.received.some((m) => m.id === release.body.message.id), 5000, 'bob gets the released message');
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['look https://example.com/x']);
  });

  it('answers a resent held message held_for_review again, without a second copy in the queue', async () => {
    const [newbie, bob, carol] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(bob, 'resends', [newbie]);
    const socket = await open(newbie);
    const otherTab = await open(newbie);
    const inRoom = { roomId, clientMsgId: 'again', body: 'see https://example.com/again' };
    const direct = { to: carol.handle, clientMsgId: 'again-direct', body: 'see https://example.com/direct' };
    const raced = { roomId, clientMsgId: 'raced', body: 'see https://example.com/raced' };
    const replies = [
      await send(socket, inRoom),
      await send(otherTab, inRoom),
      (await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: inRoom.clientMsgId, body: inRoom.body } })).body,
      await send(socket, direct),
      await send(otherTab, direct),
      // Three copies at once, from two tabs and REST: still one in the queue.
      ...(await Promise.all([
        send(socket, raced),
        send(otherTab, raced),
        api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: raced.clientMsgId, body: raced.body } }).then((reply) => reply.body),
      ])),
    ];
    for (const reply of replies) expect(reply, JSON.stringify(reply)).toMatchObject({ error: { code: 'held_for_review' } });
    const queued = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(queued.map((item: any) => item.body).sort()).toEqual([direct.body, inRoom.body, raced.body].sort());

    // Released once, it is in the room; the same clientMsgId resent then is answered with the stored message.
    const release = await api(server.url, `/api/v1/admin/held/${queued.find((item: any) => item.body === inRoom.body).id}`, { token: admin.token, body: { action: 'release', reason: 'fine' } });
    expect(release.status).toBe(200);
    expect(await send(socket, inRoom)).toEqual({ ok: true, message: release.body.message });
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.clientMsgId)).toEqual(['again']);
  });

  it('checks the sender again at release: banned or suspended, gone from the room, or blocked since → 409, left held', async () => {
    const [owner, suspended, leaver, blockedSender, resender, recipient] = await Promise.all(
      ['owner', 'suspended', 'leaver', 'blockee', 'resender', 'rcpt'].map((prefix) => createUser(server.url, prefix)),
    );
    const roomId = await createGroup(owner, 'recheck', [suspended, leaver, resender]);
    const heldBody = (user: TestUser) => `link from ${user.handle} https://example.com/${user.handle}`;
    for (const user of [suspended, leaver, resender]) {
      expect(await send(await open(user), { roomId, clientMsgId: 'held', body: heldBody(user) })).toMatchObject({ error: { code: 'held_for_review' } });
    }
    expect(await send(await open(blockedSender), { to: recipient.handle, clientMsgId: 'held', body: heldBody(blockedSender) })).toMatchObject({
      error: { code: 'held_for_review' },
    });
    const queue = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[];
    const heldIdOf = (user: TestUser) => queue.find((item) => item.sender === user.handle && item.body === heldBody(user)).id as string;
    const release = (user: TestUser) => api(server.url, `/api/v1/admin/held/${heldIdOf(user)}`, { token: admin.token, body: { action: 'release', reason: 'looks fine' } });
    const expectRefused = async (user: TestUser, message: RegExp) => {
      const reply = await release(user);
      expect(reply.status, JSON.stringify(reply.body)).toBe(409);
      expect(reply.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(message) });
      // Nothing happened: still held, nothing audited, nothing in the room.
      const still = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.map((item: any) => item.id);
      expect(still).toContain(heldIdOf(user));
      expect(await auditFor(admin, heldIdOf(user))).toEqual([]);
    };

    // Suspended since: refused; restored: released.
    expect((await api(server.url, `/api/v1/admin/users/${suspended.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } })).status).toBe(200);
    await expectRefused(suspended, /suspended/);
    expect((await api(server.url, `/api/v1/admin/users/${suspended.handle}/restore`, { token: admin.token, body: { reason: 'ok' } })).status).toBe(200);
    expect(await release(suspended)).toMatchObject({ status: 200, body: { ok: true, message: { roomId, sender: suspended.handle } } });

    // Removed from the group since.
    expect((await api(server.url, `/api/v1/groups/${roomId}/users/${leaver.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
    await expectRefused(leaver, /no longer in/);

    // Blocked by the recipient since: refused; unblocked: released, as the first message of a request.
    expect((await api(server.url, '/api/v1/blocks', { token: recipient.token, body: { handle: blockedSender.handle } })).status).toBe(201);
    await expectRefused(blockedSender, /blocked/);
    expect((await api(server.url, `/api/v1/blocks/${blockedSender.handle}`, { method: 'DELETE', token: recipient.token })).status).toBe(200);
    const released = await release(blockedSender);
    expect(released).toMatchObject({ status: 200, body: { ok: true, message: { sender: blockedSender.handle, seq: 1 } } });
    expect(await requestRoomIds(recipient)).toEqual([released.body.message.roomId]);

    // Resent without the link under the same clientMsgId and stored: releasing the held copy is a 409, not a 500.
    expect(await send(await open(resender), { roomId, clientMsgId: 'held', body: 'never mind the link' })).toMatchObject({ ok: true });
    await expectRefused(resender, /already in the conversation/);
    expect((await api(server.url, `/api/v1/admin/held/${heldIdOf(resender)}`, { token: admin.token, body: { action: 'discard', reason: 'duplicate' } })).status).toBe(200);
    const texts = (await history(owner, roomId)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => [m.sender, m.body])).toEqual([
      [suspended.handle, heldBody(suspended)],
      [resender.handle, 'never mind the link'],
    ]);
  });

  it('holds links beyond SPAM_MAX_LINKS_PER_HOUR even from an old enough account', async () => {
    const linker = await createUser(refuseServer.url, 'linker');
    const recipients = await Promise.all([0, 1, 2, 3].map(() => createUser(refuseServer.url, 'rcpt')));
    const socket = await open(linker, refuseServer);
    const acks = [];
    for (const [index, recipient] of recipients.entries()) {
      acks.push(await send(socket, { to: recipient.handle, clientMsgId: `l${index}`, body: `https://example.com/${index}` }));
    }
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, false, false]);
    expect(acks[2].error.code).toBe('held_for_review');
    const admin = await createAdmin();
    const queued = (await api(refuseServer.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === linker.handle);
    expect(queued.map((item: any) => item.reason)).toEqual(['too many links', 'too many links']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('reports and moderation', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createAdmin();
  });

  it('takes a report from a member once, with a reason; others get 404', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(alice, 'reporting', [bob]);
    const bobSocket = await open(bob);
    const before = await send(bobSocket, { roomId, clientMsgId: 'r0', body: 'hello' });
    const rude = await send(bobSocket, { roomId, clientMsgId: 'r1', body: 'something rude' });
    const afterwards = await send(bobSocket, { roomId, clientMsgId: 'r2', body: 'sorry' });

    const report = await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: rude.message.id, reason: ' insulting ' } });
    expect(report.status).toBe(201);
    expect(report.body.report).toEqual({ id: expect.any(String), messageId: rude.message.id, reason: 'insulting', status: 'open', createdAt: expect.any(String) });

    const duplicate = await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: rude.message.id, reason: 'again' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');
    for (const body of [{ messageId: rude.message.id, reason: '' }, { messageId: rude.message.id, reason: '   ' }, { messageId: rude.message.id }, { messageId: rude.message.id, reason: 'x', extra: true }]) {
      expect((await api(server.url, '/api/v1/reports', { token: bob.token, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api(server.url, '/api/v1/reports', { token: carol.token, body: { messageId: rude.message.id, reason: 'nosy' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: 'no-such-message', reason: 'x' } })).status).toBe(404);
    const system = (await history(alice, roomId)).find((m) => m.kind === 'system');
    expect((await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: system.id, reason: 'x' } })).status).toBe(400);

    const queue = await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token });
    expect(queue.status).toBe(200);
    const listed = queue.body.reports.find((r: any) => r.id === report.body.report.id);
    expect(listed).toEqual({
      id: report.body.report.id,
      reason: 'insulting',
      status: 'open',
      createdAt: report.body.report.createdAt,
      reporter: alice.handle,
      message: rude.message,
      room: { id: roomId, kind: 'group', name: 'reporting' },
      context: expect.any(Array),
    });
    expect(listed.context.map((m: any) => m.id)).toEqual(expect.arrayContaining([before.message.id, rude.message.id, afterwards.message.id]));
  });

  it('closes reports as resolved or dismissed, once, with an audit entry each', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(alice, 'closing', [bob]);
    const bobSocket = await open(bob);
    const m1 = await send(bobSocket, { roomId, clientMsgId: 'c1', body: 'meh' });
    const m2 = await send(bobSocket, { roomId, clientMsgId: 'c2', body: 'worse' });
    const r1 = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: m1.message.id, reason: 'meh' } })).body.report;
    const r2 = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: m2.message.id, reason: 'worse' } })).body.report;

    expect((await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'open' } })).status).toBe(400);
    expect(await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'dismissed', reason: 'harmless' } })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await api(server.url, `/api/v1/admin/reports/${r2.id}`, { method: 'PATCH', token: admin.token, body: { status: 'resolved', reason: 'warned them' } })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'resolved' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/admin/reports/no-such-report', { method: 'PATCH', token: admin.token, body: { status: 'resolved' } })).status).toBe(404);

    const ids = async (status: string) => (await api(server.url, `/api/v1/admin/reports?status=${status}`, { token: admin.token })).body.reports.map((r: any) => r.id);
    const stillOpen = await ids('open');
    expect(stillOpen).not.toContain(r1.id);
    expect(stillOpen).not.toContain(r2.id);
    expect(await ids('dismissed')).toContain(r1.id);
    expect(await ids('resolved')).toContain(r2.id);
    expect((await api(server.url, '/api/v1/admin/reports?status=bogus', { token: admin.token })).status).toBe(400);

    expect(await auditFor(admin, r1.id)).toEqual([expect.objectContaining({ actor: admin.handle, action: 'report.dismiss', targetType: 'report', reason: 'harmless' })]);
    expect(await auditFor(admin, r2.id)).toEqual([expect.objectContaining({ actor: admin.handle, action: 'report.resolve', targetType: 'report', reason: 'warned them' })]);
  });

  it('removes a message for everyone, live, resolving its reports', async () => {
    const [alice, bob, carol, outsider] = await Promise.all([
      createUser(server.url, 'alice'),
      createUser(server.url, 'bob'),
      createUser(server.url, 'carol'),
      createUser(server.url, 'outsider'),
    ]);
    const roomId = await createGroup(alice, 'removal', [bob, carol]);
    const [aliceSocket, bobSocket, carolSocket, outsiderSocket] = await Promise.all([open(alice), open(bob), open(carol), open(outsider)]);
    const deletedEvents = [aliceSocket, bobSocket, carolSocket].map((socket) => collect(socket, 'message:deleted'));
    const outsiderEvents = collect(outsiderSocket, 'message:deleted');
    const bad = await send(bobSocket, { roomId, clientMsgId: 'bad', body: 'remove me' });
    const keep = await send(bobSocket, { roomId, clientMsgId: 'keep', body: 'keep me' });
    const report = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: bad.message.id, reason: 'abuse' } })).body.report;

    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: {} })).status).toBe(400);
    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token })).status).toBe(400);
    const removed = await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'abusive' } });
    expect(removed).toMatchObject({ status: 200, body: { ok: true } });

    for (const events of deletedEvents) {
      await waitFor(() => events.length > 0, 5000, 'message:deleted');
      expect(events).toEqual([{ roomId, messageId: bad.message.id }]);
    }
    await pause(200);
    expect(outsiderEvents).toEqual([]);

    const messages = await history(carol, roomId);
    expect(messages.find((m) => m.id === bad.message.id)).toEqual({ ...bad.message, body: '', deleted: true });
    expect(messages.find((m) => m.id === keep.message.id)).toEqual(keep.message);
    const sync = await emitAck(carolSocket, 'room:sync', { roomId, afterSeq: 0 });
    expect(sync.messages.find((m: any) => m.id === bad.message.id)).toMatchObject({ deleted: true, body: '' });

    const resolved = await api(server.url, '/api/v1/admin/reports?status=resolved', { token: admin.token });
    expect(resolved.body.reports.map((r: any) => r.id)).toContain(report.id);
    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'again' } })).status).toBe(404);
    expect(await auditFor(admin, bad.message.id)).toEqual([
      expect.objectContaining({ actor: admin.handle, action: 'message.delete', targetType: 'message', reason: 'abusive', details: { roomId, sender: bob.handle, body: 'remove me' } }),
    ]);
    // The evidence is kept for admins only: members see the marker, never the removed text.
    expect(JSON.stringify(await history(alice, roomId))).not.toContain('remove me');
  });

  it('suspends and bans: sessions end at once, sockets are cut, sign-in refused until restored', async () => {
    const [eve, friend] = await Promise.all([createUser(server.url, 'eve'), createUser(server.url, 'friend')]);
    const second = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    const eveTokens = [eve.token, second.body.token];
    const eveSockets = await Promise.all(eveTokens.map((token) => open({ token })));
    const friendSocket = await open(friend);
    const cut = eveSockets.map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)));
    const statusOf = async () => (await api(server.url, `/api/v1/admin/users?q=${eve.handle}`, { token: admin.token })).body.users.find((u: any) => u.handle === eve.handle);

    expect((await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 1000 } })).status).toBe(400);
    const suspend = await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } });
    expect(suspend).toMatchObject({ status: 200, body: { ok: true } });
    expect(await Promise.all(cut)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const token of eveTokens) expect((await api(server.url, '/api/v1/rooms', { token })).status).toBe(401);
    const refused = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    await expect(connect(server.url, { token: eve.token })).rejects.toThrow('unauthorized');
    const suspended = await statusOf();
    expect(suspended).toMatchObject({ handle: eve.handle, role: 'user', status: 'suspended' });
    expect(Math.abs(new Date(suspended.suspendedUntil).getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    // Nobody else was affected.
    expect(friendSocket.connected).toBe(true);
    expect((await api(server.url, '/api/v1/rooms', { token: friend.token })).status).toBe(200);

    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/restore`, { token: admin.token, body: { reason: 'served time' } })).toMatchObject({ status: 200 });
    expect((await statusOf()).status).toBe('active');
    const back = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    expect(back.status).toBe(201);
    // Restoring does not revive the ended sessions.
    for (const token of eveTokens) expect((await api(server.url, '/api/v1/rooms', { token })).status).toBe(401);

    const newSocket = await open({ token: back.body.token });
    const cutAgain = new Promise<string>((resolve) => newSocket.once('disconnect', resolve));
    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/ban`, { token: admin.token, body: { reason: 'repeat offender' } })).toMatchObject({ status: 200 });
    expect(await cutAgain).toBe('io server disconnect');
    expect((await api(server.url, '/api/v1/me', { token: back.body.token })).status).toBe(401);
    expect((await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } })).status).toBe(403);
    expect((await statusOf()).status).toBe('banned');

    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/restore`, { token: admin.token, body: { reason: 'appeal granted' } })).toMatchObject({ status: 200 });
    expect((await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } })).status).toBe(201);

    const entries = await auditFor(admin, eve.handle);
    expect(entries.map((entry) => [entry.action, entry.reason])).toEqual([
      ['user.restore', 'appeal granted'],
      ['user.ban', 'repeat offender'],
      ['user.restore', 'served time'],
      ['user.suspend', 'cool off'],
    ]);
    expect(entries.every((entry) => entry.actor === admin.handle && entry.targetType === 'user')).toBe(true);
    expect(new Date(entries[3].details.until).getTime()).toBe(new Date(suspended.suspendedUntil).getTime());
  });

  it('tells a browser sign-in why it was refused: a wrong password, a suspension, a ban', async () => {
    const eve = await createUser(server.url, 'eve');
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBeNull();
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');
    expect(await browserSignInError(server.url, 'no_such_user_here', 'whatever pw')).toBe('CredentialsSignin');

    await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } });
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBe('Suspended');
    // Only the right password learns that: a guess still reads as a wrong password.
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');

    await api(server.url, `/api/v1/admin/users/${eve.handle}/ban`, { token: admin.token, body: { reason: 'repeat' } });
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBe('Banned');
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');
  });

  it('refuses to lock out admins, oneself, or unknown users', async () => {
    const other = await createAdmin('admin2');
    expect((await api(server.url, `/api/v1/admin/users/${other.handle}/ban`, { token: admin.token, body: { reason: 'coup' } })).status).toBe(403);
    expect((await api(server.url, `/api/v1/admin/users/${other.handle}/suspend`, { token: admin.token, body: { reason: 'coup', durationMs: 60_000 } })).status).toBe(403);
    expect((await api(server.url, `/api/v1/admin/users/${admin.handle}/ban`, { token: admin.token, body: { reason: 'oops' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/admin/users/no_such_user_here/ban', { token: admin.token, body: { reason: 'x' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/me', { token: other.token })).status).toBe(200);
  });

  it('searches people and rooms for admins', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice', 'Findable Alice'), createUser(server.url, 'bob')]);
    const name = `room ${Date.now().toString(36)}`;
    const roomId = await createGroup(alice, name, [bob]);
    const users = await api(server.url, `/api/v1/admin/users?q=${alice.handle}`, { token: admin.token });
    expect(users.body.users).toEqual([
      { handle: alice.handle, displayName: 'Findable Alice', role: 'user', status: 'active', suspendedUntil: null, createdAt: expect.any(String) },
    ]);
    const rooms = await api(server.url, `/api/v1/admin/rooms?q=${encodeURIComponent(name.toUpperCase())}`, { token: admin.token });
    expect(rooms.body.rooms).toEqual([expect.objectContaining({ id: roomId, kind: 'group', name, members: expect.arrayContaining([alice.handle, bob.handle]) })]);
    const byMember = await api(server.url, `/api/v1/admin/rooms?q=${bob.handle}`, { token: admin.token });
    expect(byMember.body.rooms.map((room: any) => room.id)).toContain(roomId);
  });

  it('keeps the audit log newest first and read-only, over the API and in the database', async () => {
    const entries = (await api(server.url, '/api/v1/admin/audit', { token: admin.token })).body.entries as any[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'createdAt', 'details', 'id', 'reason', 'targetId', 'targetType']);
    const times = entries.map((entry) => new Date(entry.createdAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const reply = await api(server.url, '/api/v1/admin/audit', { method, token: admin.token, body: { reason: 'rewrite history' } });
      expect(reply.status, method).toBeGreaterThanOrEqual(400);
      const one = await api(server.url, `/api/v1/admin/audit/${entries[0].id}`, { method, token: admin.token, body: { reason: 'rewrite' } });
      expect(one.status, `${method} one entry`).toBeGreaterThanOrEqual(400);
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await expect(client.query('UPDATE "AuditEntry" SET reason = $1 WHERE id = $2', ['forged', entries[0].id])).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM "AuditEntry" WHERE id = $1', [entries[0].id])).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    const again = (await api(server.url, '/api/v1/admin/audit', { token: admin.token })).body.entries;
    expect(again.find((entry: any) => entry.id === entries[0].id)).toEqual(entries[0]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the first admin from RELAY_ADMINS', () => {
  it('grants existing accounts at start, warns about the rest, and creates a listed handle an admin at sign-up', async () => {
    const boss = await createUser(server.url, 'boss');
    const ghost = uniqueHandle('ghost');
    expect((await api(server.url, '/api/v1/admin/audit', { token: boss.token })).status).toBe(403);
    const node = await startAppServer({ ...MAIN_ENV, RELAY_ADMINS: ` ${boss.handle.toUpperCase()} , ${ghost}` });
    try {
      expect(node.output()).toContain(`WARNING: RELAY_ADMINS lists "${ghost}", but no such user exists yet`);
      expect(node.output()).not.toContain(`"${boss.handle}"`);
      expect((await api(node.url, '/api/v1/admin/audit', { token: boss.token })).status).toBe(200);

      // The operator signs up under the listed handle: an admin from the first request.
      const signUp = await api(node.url, '/api/v1/users', { body: { username: ghost, password: 'long enough pw' } });
      expect(signUp.status).toBe(201);
      const token = (await api(node.url, '/api/v1/tokens', { body: { username: ghost, password: 'long enough pw' } })).body.token;
      expect((await api(node.url, '/api/v1/admin/audit', { token })).status).toBe(200);
      // Anyone else is a plain user.
      const plain = uniqueHandle('plain');
      expect((await api(node.url, '/api/v1/users', { body: { username: plain, password: 'long enough pw' } })).status).toBe(201);
      const plainToken = (await api(node.url, '/api/v1/tokens', { body: { username: plain, password: 'long enough pw' } })).body.token;
      expect((await api(node.url, '/api/v1/admin/audit', { token: plainToken })).status).toBe(403);
    } finally {
      await node.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------

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
    expect(pushed).toContainEqual({ to: alice.handle, event: 'user:updated', payload: { handle: bob.handle, displayName: 'Bob Renamed' } });
    expect(pushed).toContainEqual(expect.objectContaining({ to: alice.handle, event: 'receipt', payload: expect.objectContaining({ reader: bob.handle }) }));
  });
});
