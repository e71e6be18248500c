import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { encodeSessionToken } from '@/server/auth/session-token';
import type { PrismaClient } from '@/server/db/generated/client';
import { openDatabase } from '@/server/db/open-database';
import { loadDatabaseEnv, loadEnv } from '@/server/env';
import { createAttachmentStorage } from '@/server/attachments/attachment-storage';
import { AppendQueue } from '@/server/messages/append-queue';
import { createReceipts } from '@/server/receipts/create-receipts';
import { MemoryPresenceStore } from '@/server/presence/presence-store';
import { PresenceTracker } from '@/server/presence/presence-tracker';
import { type Broadcaster, socketBroadcaster } from '@/server/realtime/broadcaster';
import { createRealtimeServer, handleConnections } from '@/server/realtime/create-realtime-server';
import { setRuntime } from '@/server/runtime';
import { MemoryFailureLedger } from '@/server/safety/failure-ledger';
import { MemoryTokenBuckets } from '@/server/safety/token-bucket';
import { RELAXED_LIMITS } from './app-server';
import { connect, uniqueHandle } from './clients';
import { TEST_DATABASE_URL, TEST_SECRET } from './services';
import { watchDb } from './watched-db';
import { createNotifications } from '@/server/notifications/notifications';
import { ConcurrencyLimit } from '@/server/ops/concurrency-limit';

/** The test Postgres, migrated by the app's own openDatabase; `close` also removes its scratch dir. */
export async function openTestDatabase() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-test-'));
  const database = await openDatabase(loadDatabaseEnv({ DATABASE_URL: TEST_DATABASE_URL, DATA_DIR: dataDir }));
  return {
    db: database.db,
    dataDir,
    close: async () => {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The test Postgres for one test file: opened before its tests, and after them the users and rooms the
 * file recorded in `userIds` and `roomIds` are deleted and the database closed.
 */
export function useTestDatabase() {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  const fixture = {
    userIds: [] as string[],
    roomIds: [] as string[],
    get db(): PrismaClient {
      if (!opened) throw new Error('the test database opens in beforeAll');
      return opened.db;
    },
  };
  beforeAll(async () => {
    opened = await openTestDatabase();
  });
  afterAll(async () => {
    await fixture.db.room.deleteMany({ where: { id: { in: fixture.roomIds } } });
    await fixture.db.user.deleteMany({ where: { id: { in: fixture.userIds } } });
    await opened?.close();
  });
  return fixture;
}

export type Broadcast = { userIds: string[]; event: string; payload: unknown };

/** Records what services publish, then passes it on to the real transport when there is one. */
export function recordingBroadcaster(transport?: Broadcaster) {
  const sent: Broadcast[] = [];
  const broadcaster: Broadcaster = {
    toUsers(userIds, event, ...args) {
      sent.push({ userIds: [...userIds], event, payload: args[0] });
      transport?.toUsers(userIds, event, ...args);
    },
    disconnectSession: async (sessionId) => transport?.disconnectSession(sessionId),
    disconnectUser: async (userId) => transport?.disconnectUser(userId),
  };
  return { broadcaster, sent };
}

/** A real user row; its rows (sessions, memberships, messages) go with it when it is deleted. */
export async function insertUser(db: PrismaClient, prefix: string, displayName = prefix) {
  return db.user.create({ data: { handle: uniqueHandle(prefix), displayName, password: 'not used here' } });
}

/** A group room with these users as accepted members, so each is the others' peer. */
export async function insertGroup(db: PrismaClient, ownerId: string, memberIds: string[]) {
  return db.room.create({
    data: { kind: 'group', name: 'test group', ownerId, members: { create: [ownerId, ...memberIds].map((userId) => ({ userId })) } },
  });
}

/**
 * The app's realtime side in this process, wired as server.ts wires it (one node, no Redis): the real
 * handshake, handleConnections, handlers and services, over the test Postgres. The database is
 * watched (see watched-db.ts) so a test can count or hold real queries; broadcasts are recorded on
 * their way to the real Socket.io transport.
 */
export async function startInProcessRealtime() {
  const database = await openTestDatabase();
  const watched = watchDb(database.db);
  const env = loadEnv({ NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL, DATA_DIR: database.dataDir, NEXTAUTH_SECRET: TEST_SECRET, ...RELAXED_LIMITS });
  const httpServer = createServer();
  const io = createRealtimeServer(httpServer, null);
  const { broadcaster, sent } = recordingBroadcaster(socketBroadcaster(io));
  const presenceStore = new MemoryPresenceStore();
  // No grace: a socket that leaves settles offline at once, so nothing is still pending at close.
  const presence = new PresenceTracker(presenceStore, watched.db, broadcaster, { ttlMs: 60_000, graceMs: 0, pushMaxMembers: env.PRESENCE_PUSH_MAX_MEMBERS });
  setRuntime({ env, db: watched.db, broadcaster, presence, buckets: new MemoryTokenBuckets(), appendQueue: new AppendQueue(watched.db), receipts: createReceipts({ db: watched.db, broadcaster }, { windowMs: env.RECEIPT_WINDOW_MS, toAllMaxMembers: env.RECEIPTS_TO_ALL_MAX_MEMBERS }), failures: new MemoryFailureLedger(), attachments: createAttachmentStorage(env), notifications: createNotifications(env, watched.db, null), rosterReads: new ConcurrencyLimit(env.ROSTER_READS_AT_ONCE, env.ROSTER_READS_MAX_WAITING) });
  handleConnections(io, presence);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    io,
    /** The real client, for setting rows up and reading them back without being counted. */
    db: database.db,
    watched,
    presenceStore,
    sent,
    /** A user with a live device session, and the bearer token for it. */
    async signedInUser(prefix: string, displayName = prefix) {
      const user = await insertUser(database.db, prefix, displayName);
      const session = await database.db.deviceSession.create({ data: { userId: user.id, kind: 'api' } });
      const token = await encodeSessionToken({ sub: user.handle, sid: session.id });
      return { user, session, token };
    },
    /** A signed-in user's real client, connected, and the server's side of that connection. */
    async connectedUser(prefix: string) {
      const person = await this.signedInUser(prefix);
      const client = await connect(`http://127.0.0.1:${port}`, { token: person.token });
      const socket = [...io.of('/').sockets.values()].find((candidate) => candidate.data.actor.sessionId === person.session.id)!;
      return { ...person, client, socket };
    },
    async close() {
      await io.close();
      // Closing cut the sockets; their offline settlements still query the database.
      await presence.idle();
      await database.close();
    },
  };
}

export type InProcessRealtime = Awaited<ReturnType<typeof startInProcessRealtime>>;
