import type { Socket } from 'socket.io';
import { io as connectTo, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ClientToServerEvents, type ServerToClientEvents, sessionRoom, userRoom } from '@/lib/realtime/contract';
import type { PresenceStatus } from '@/lib/schemas';
import type { Actor } from '@/server/auth/authenticate';
import type { PrismaClient } from '@/server/db/generated/client';
import { endSession } from '@/server/sessions/end-session';
import { socketHandlers } from '@/server/realtime/handlers';
import { startSessionSweep } from '@/server/realtime/session-sweep';
import { SESSION_RECHECK_MS, type SocketData, withHandler } from '@/server/realtime/with-handler';
import { type InProcessRealtime, insertGroup, startInProcessRealtime } from '../helpers/in-process-runtime';
import { waitFor } from '../helpers/wait';

// The realtime side runs in this process as server.ts wires it, over the real test database: the
// real handshake, handleConnections, handlers and services, with real Socket.io clients. Sessions
// end the way they do in the app, by updating their rows; the session look-ups are real queries,
// counted (and once held) on their way to the database.
type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

let app: InProcessRealtime;
const serverSockets = new Map<string, ServerSocket>();
/** How each server socket went: why, and whether its connection was closed with it (disconnect(true)). */
const endings = new Map<string, { reason: string; connectionClosed: boolean }>();
const clients: ClientSocket[] = [];
const userIds: string[] = [];
const roomIds: string[] = [];

beforeAll(async () => {
  app = await startInProcessRealtime();
  app.io.on('connection', (socket) => {
    serverSockets.set(socket.id, socket);
    // disconnect(true) starts closing the connection right after this event; disconnect() would leave it open.
    socket.on('disconnect', (reason) => process.nextTick(() => endings.set(socket.id, { reason, connectionClosed: socket.conn.readyState !== 'open' })));
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  // Each user that came online settles offline (a database write) as its socket goes: let that finish first.
  const cameOnline = userIds.filter((id) => announced(id, 'online'));
  await waitFor(() => cameOnline.every((id) => announced(id, 'offline')), 10_000, 'presence to settle');
  await app.db.room.deleteMany({ where: { id: { in: roomIds } } });
  await app.db.user.deleteMany({ where: { id: { in: userIds } } });
  await app?.close();
});

const handleOf = new Map<string, string>();
const announced = (userId: string, status: PresenceStatus['status']) =>
  app.sent.some((entry) => entry.event === 'presence' && (entry.payload as PresenceStatus).handle === handleOf.get(userId) && (entry.payload as PresenceStatus).status === status);

// A session look-up: the one raw query reading "DeviceSession", its ids the first value.
const lookUp = '$queryRaw';
const isLookUp = (args: unknown[]) => (args[0] as string[]).join('?').includes('FROM "DeviceSession"');
const forSession = (sessionId: string) => (args: unknown[]) => isLookUp(args) && (args[1] as string[]).includes(sessionId);
const unauthorized = { ok: false, error: { code: 'unauthorized', message: expect.any(String) } };

/** A real client with its own user and live session; its events are recorded from the first. */
async function signIn(prefix = 'bob', displayName = 'Bob') {
  const person = await app.signedInUser(prefix, displayName);
  userIds.push(person.user.id);
  handleOf.set(person.user.id, person.user.handle);
  const client: ClientSocket = connectTo(app.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: person.token } });
  clients.push(client);
  const events: string[] = [];
  let id = '';
  const connected = new Promise<void>((resolve, reject) => {
    client.on('connect', () => {
      id = client.id!;
      events.push('connect');
      resolve();
    });
    client.on('connect_error', reject);
  });
  client.on('disconnect', (reason) => events.push(`disconnect: ${reason}`));
  return {
    ...person,
    client,
    events,
    connected,
    /** The server's side of this connection. */
    socket: () => serverSockets.get(id)!,
    /** Real look-ups of this session so far (the handshake's included). */
    looks: () => app.watched.count(lookUp, forSession(person.session.id)),
  };
}

/** Signed in, connected, and past the look handleConnections takes after joining. */
async function connected(prefix = 'bob', displayName = 'Bob') {
  const person = await signIn(prefix, displayName);
  await person.connected;
  const socket = person.socket();
  await waitFor(() => socket.data.sessionCheckedAt !== undefined, 5_000, 'the look after joining');
  return { ...person, socket };
}

type Person = { user: { id: string }; session: { id: string } };
/** The ways a session ends in the app, each as the row change it is. */
const sessionEndings: [string, (db: PrismaClient, person: Person) => Promise<unknown>][] = [
  ['signed out', (db, { session }) => db.deviceSession.update({ where: { id: session.id }, data: { revokedAt: new Date() } })],
  ['banned', (db, { user }) => db.user.update({ where: { id: user.id }, data: { bannedAt: new Date() } })],
  ['suspended', (db, { user }) => db.user.update({ where: { id: user.id }, data: { suspendedUntil: new Date(Date.now() + 3_600_000) } })],
];
const signOut = sessionEndings[0][1];

describe('a new connection', () => {
  it('looks at its session again after joining its rooms, and is cut if it ended meanwhile', async () => {
    // The handshake reads the session while it is live; it ends before the handshake is through.
    const handshake = app.watched.holdNext(lookUp, 'after', isLookUp);
    const bob = await signIn();
    // What the socket had joined when each look at its session was made.
    const joinedAtLook: { user: number; session: number }[] = [];
    const rooms = app.io.of('/').adapter.rooms;
    const stopWatching = app.watched.onCall(lookUp, (args) => {
      if (forSession(bob.session.id)(args)) joinedAtLook.push({ user: rooms.get(userRoom(bob.user.id))?.size ?? 0, session: rooms.get(sessionRoom(bob.session.id))?.size ?? 0 });
    });
    await handshake.reached;
    await signOut(app.db, bob);
    handshake.release();

    await bob.connected;
    await waitFor(() => bob.events.length === 2, 5_000, 'the cut');
    expect(bob.events).toEqual(['connect', 'disconnect: io server disconnect']);
    stopWatching();
    expect(joinedAtLook).toEqual([
      { user: 0, session: 0 },
      { user: 1, session: 1 },
    ]);
    const { id } = bob.socket();
    await waitFor(() => endings.has(id), 5_000, 'the server side to end');
    expect(endings.get(id)).toEqual({ reason: 'server namespace disconnect', connectionClosed: true });
  });

  it('stays connected while its session is live, with the handlers bound and presence reported', async () => {
    const bob = await connected();
    expect(bob.looks()).toBe(2);
    expect(bob.client.connected).toBe(true);
    const reply = await bob.client.timeout(5_000).emitWithAck('presence:query', { handles: [bob.user.handle] });
    expect(reply).toEqual({ ok: true, statuses: [{ handle: bob.user.handle, status: 'online', lastSeenAt: null }] });
    expect(await app.presenceStore.liveCount(bob.user.id, Date.now())).toBe(1);
    expect(bob.events).toEqual(['connect']);

    // The same connection is reported gone when it closes: bob is settled offline in the database.
    bob.client.close();
    await waitFor(() => announced(bob.user.id, 'offline'), 5_000, 'bob to go offline');
    expect(await app.presenceStore.liveCount(bob.user.id, Date.now())).toBe(0);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: bob.user.id } })).lastSeenAt).not.toBeNull();
  });
});

describe('withHandler', () => {
  const schema = z.strictObject({ text: z.string() });

  /** Binds an echo service under `test:echo`; `call` invokes the bound handler as Socket.io would. */
  function bind(socket: ServerSocket, options: Parameters<typeof withHandler>[2] = {}) {
    const served: string[] = [];
    const service = async (who: Actor, input: { text: string }) => {
      served.push(input.text);
      return { echoed: `${who.displayName}: ${input.text}` };
    };
    const handle = withHandler(schema, service, options);
    (socket as unknown as Socket).on('test:echo', (...args: unknown[]) => void handle(socket as unknown as Socket, args));
    const call = async (payload: unknown) => {
      let reply: unknown;
      await handle(socket as unknown as Socket, [payload, (answer: unknown) => (reply = answer)]);
      return reply;
    };
    return { served, call };
  }
  const echo = (person: { client: ClientSocket }, payload: unknown) => person.client.timeout(5_000).emitWithAck('test:echo', payload);

  it('trusts a recent look at the session without asking the database', async () => {
    const bob = await connected();
    bind(bob.socket);
    const looks = bob.looks();
    expect(await echo(bob, { text: 'hi' })).toEqual({ ok: true, echoed: 'Bob: hi' });
    expect(bob.looks()).toBe(looks);
  });

  it('looks again once the last look is older than the recheck interval, and picks up a new name', async () => {
    const bob = await connected();
    bind(bob.socket);
    await app.db.user.update({ where: { id: bob.user.id }, data: { displayName: 'Robert' } });
    // Within the interval the socket keeps what it last read.
    expect(await echo(bob, { text: 'hi' })).toEqual({ ok: true, echoed: 'Bob: hi' });
    const looks = bob.looks();
    bob.socket.data.sessionCheckedAt = Date.now() - SESSION_RECHECK_MS - 1;
    expect(await echo(bob, { text: 'hi' })).toEqual({ ok: true, echoed: 'Robert: hi' });
    expect(await echo(bob, { text: 'again' })).toEqual({ ok: true, echoed: 'Robert: again' });
    expect(bob.looks()).toBe(looks + 1);
  });

  it.each(sessionEndings)('answers unauthorized, then cuts the socket, when the session has ended (%s); and refuses from then on', async (_how, end) => {
    const bob = await connected();
    const { served, call } = bind(bob.socket);
    await end(app.db, bob);
    bob.socket.data.sessionCheckedAt = Date.now() - SESSION_RECHECK_MS - 1;
    const looks = bob.looks();
    // The client gets the answer, and only then is cut, connection and all.
    const order: string[] = [];
    bob.client.on('disconnect', () => order.push('disconnect'));
    bob.client.emit('test:echo' as never, { text: 'hi' } as never, ((reply: unknown) => order.push(JSON.stringify(reply))) as never);
    await waitFor(() => order.length === 2, 5_000, 'the answer and the cut');
    expect(order.map((entry) => (entry === 'disconnect' ? entry : JSON.parse(entry)))).toEqual([unauthorized, 'disconnect']);
    expect(bob.events.at(-1)).toBe('disconnect: io server disconnect');
    await waitFor(() => endings.has(bob.socket.id), 5_000, 'the server side to end');
    expect(endings.get(bob.socket.id)).toEqual({ reason: 'server namespace disconnect', connectionClosed: true });

    // Still-queued work on that socket is refused from memory: one look in all.
    expect(await call({ text: 'again' })).toEqual(unauthorized);
    expect(served).toEqual([]);
    expect(bob.looks()).toBe(looks + 1);
  });

  it('looks again for sends still queued on a socket that was cut, however recent the last look', async () => {
    const bob = await connected();
    const { served, call } = bind(bob.socket, { line: 'changes' });
    // Closed by the client: what it sent before closing still counts.
    bob.client.close();
    await waitFor(() => !bob.socket.connected, 5_000, 'the server to see the close');
    expect(Date.now() - bob.socket.data.sessionCheckedAt!).toBeLessThan(SESSION_RECHECK_MS);
    const looks = bob.looks();
    expect(await call({ text: 'sent before closing' })).toEqual({ ok: true, echoed: 'Bob: sent before closing' });
    expect(bob.looks()).toBe(looks + 1);
    // Cut because the session ended: nothing more goes through.
    await signOut(app.db, bob);
    expect(await call({ text: 'queued' })).toEqual(unauthorized);
    expect(served).toEqual(['sent before closing']);
  });

  it('refuses the sends queued behind one in flight when the session is signed out, and stores none of them', async () => {
    const alice = await connected('alice', 'Alice');
    const bob = await connected();
    const room = await insertGroup(app.db, alice.user.id, [bob.user.id]);
    roomIds.push(room.id);
    // The real message:send handler, called for bob's socket as the socket's dispatcher calls it.
    const send = (payload: unknown, ack: (reply: unknown) => void) => socketHandlers['message:send'](bob.socket as unknown as Socket, [payload, ack]);
    const replies: Record<string, unknown> = {};
    // The first send's look at the session is held (after it read the session live), so the other two
    // wait behind it in bob's line: a send is queued for storing only once it is past its own check.
    bob.socket.data.sessionCheckedAt = 0;
    const check = app.watched.holdNext(lookUp, 'after', isLookUp);
    const sends = ['m1', 'm2', 'm3'].map((clientMsgId) => send({ roomId: room.id, clientMsgId, body: `body ${clientMsgId}` }, (reply) => (replies[clientMsgId] = reply)));
    await check.reached;
    // Signed out from another device: the row is revoked and bob's sockets are cut, as the app does it.
    const actor: Actor = { userId: bob.user.id, handle: bob.user.handle, displayName: 'Bob', avatarId: null, sessionId: 'another', role: 'user', createdAt: bob.user.createdAt };
    await endSession(actor, bob.session.id);
    expect(bob.socket.connected).toBe(false);
    check.release();
    await Promise.all(sends);
    // Handlers answer from their own queue: wait for the three acks, however they are scheduled.
    await waitFor(() => Object.keys(replies).length === 3, 10_000, 'an ack for each of the three sends');

    // The send already past the check completes; those queued behind it are refused.
    expect(replies).toEqual({ m1: { ok: true, message: expect.objectContaining({ clientMsgId: 'm1', sender: bob.user.handle }) }, m2: unauthorized, m3: unauthorized });
    const stored = await app.db.message.findMany({ where: { roomId: room.id }, select: { clientMsgId: true } });
    expect(stored).toEqual([{ clientMsgId: 'm1' }]);
    await waitFor(() => bob.events.includes('disconnect: io server disconnect'), 5_000, 'bob to be cut');
    expect(alice.client.connected).toBe(true);
  });

  it('still validates the payload after the session check', async () => {
    const bob = await connected();
    bind(bob.socket);
    expect(await echo(bob, { text: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // After it, not before: on an ended session even a bad payload is answered unauthorized.
    await signOut(app.db, bob);
    bob.socket.data.sessionCheckedAt = Date.now() - SESSION_RECHECK_MS - 1;
    expect(await echo(bob, { text: 1 })).toEqual(unauthorized);
  });
});

describe('the session sweep', () => {
  it("looks at every socket's session in one query, and cuts a socket whose session ended though it sends nothing", async () => {
    const alice = await connected('alice', 'Alice');
    const bob = await connected();
    const looks: string[][] = [];
    const stopWatching = app.watched.onCall(lookUp, (args) => void (isLookUp(args) && looks.push(args[1] as string[])));
    const stopSweep = startSessionSweep(app.io, 300);
    try {
      // Signed out by the row alone, as if the cut sent to bob's sockets had been lost: only a look at
      // his session can end his socket now, and he sends nothing that would make one.
      await signOut(app.db, bob);
      await waitFor(() => bob.events.includes('disconnect: io server disconnect'), 5_000, 'the sweep to cut bob');
      expect(looks.some((ids) => ids.includes(alice.session.id) && ids.includes(bob.session.id))).toBe(true);
      expect(alice.client.connected).toBe(true);
    } finally {
      stopSweep();
      stopWatching();
    }
  });
});
