import { createServer, type IncomingMessage } from 'node:http';
import next from 'next';
import { openDatabase } from './server/db/open-database';
import { loadEnv } from './server/env';
import { MemoryPresenceStore } from './server/presence/presence-store';
import { PresenceTracker } from './server/presence/presence-tracker';
import { RedisPresenceStore } from './server/presence/redis-presence-store';
import { grantAdmins } from './server/moderation/grant-admin';
import { CLIENT_IP_HEADER } from './server/safety/rate-limits';
import { PAGE_PATH_HEADER } from './lib/return-path';
import { MemoryTokenBuckets, RedisTokenBuckets } from './server/safety/token-bucket';
import { MemoryFailureLedger, RedisFailureLedger } from './server/safety/failure-ledger';
import { socketBroadcaster } from './server/realtime/broadcaster';
import { createRealtimeServer, dropConnections, handleConnections } from './server/realtime/create-realtime-server';
import { startRoomHeartbeat } from './server/realtime/room-heartbeat';
import { startSessionSweep } from './server/realtime/session-sweep';
import { openRedis } from './server/redis';
import { AppendQueue } from './server/messages/append-queue';
import { createReceipts } from './server/receipts/create-receipts';
import { setRuntime } from './server/runtime';
import { answerEarly } from './server/http/early-errors';
import { followConnections } from './server/http/closing-connections';
import { createAttachmentStorage } from './server/attachments/attachment-storage';
import { startAttachmentSweep } from './server/attachments/sweep-unsent';
import { createNotifications } from './server/notifications/notifications';
import { notifyingBroadcaster } from './server/notifications/notifying-broadcaster';
import { resolveVapidKeys } from './server/notifications/vapid';
import { logRequest } from './server/ops/access-log';
import { consoleThroughLogger, log } from './server/ops/logger';
import { metrics } from './server/ops/metrics';
import { ConcurrencyLimit } from './server/ops/concurrency-limit';
import { connectionCap } from './server/ops/connection-cap';

// In production, what Next prints goes through the logger from the start (every stdout line is JSON).
let restoreConsole = () => {};

// Composition root: env → database (migrated) → Redis → HTTP server with Next and Socket.io → listen.
async function main() {
  // No phoning home from a chat server; set NEXT_TELEMETRY_DISABLED=0 to opt in.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  const env = loadEnv();
  if (env.NODE_ENV === 'production') restoreConsole = consoleThroughLogger();
  process.env.NEXTAUTH_SECRET = env.NEXTAUTH_SECRET;
  // Without a configured public URL, next-auth builds its URLs from the request's Host header.
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';
  const vapid = resolveVapidKeys(env);

  const database = await openDatabase(env);
  const redis = env.REDIS_URL ? await openRedis(env.REDIS_URL) : null;
  const app = next({ dev: env.NODE_ENV !== 'production', hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();

  const httpServer = createServer((request, response) => {
    // The one client address rate limits trust; whatever the client sent under this name is replaced.
    request.headers[CLIENT_IP_HEADER] = clientIp(request, env.TRUST_PROXY);
    // A page sending a signed-out visitor to sign in names itself to come back to (lib/return-path.ts).
    request.headers[PAGE_PATH_HEADER] = (request.url ?? '/').split('?')[0];
    logRequest(request, response);
    if (answerEarly(request, response)) return;
    return handle(request, response);
  });
  // The client (or the proxy in front) must be the one to close an idle connection: when the server does it,
  // a request sent on it at that moment is reset. Node's 5 s is shorter than theirs (often 60 s).
  httpServer.keepAliveTimeout = KEEP_ALIVE_MS;
  httpServer.headersTimeout = KEEP_ALIVE_MS + 1_000;
  // Beyond the cap Node closes a new connection at once ('drop'), keeping file descriptors in reserve.
  httpServer.maxConnections = connectionCap(env.MAX_CONNECTIONS);
  httpServer.on('drop', () => metrics().connectionsDropped.inc());
  const httpConnections = followConnections(httpServer);
  const io = createRealtimeServer(httpServer, redis, { publicUrl: env.NEXTAUTH_URL, trustProxy: env.TRUST_PROXY });
  const notifications = createNotifications(env, database.db, redis, vapid, database.script);
  const broadcaster = notifyingBroadcaster(socketBroadcaster(io, { hybridAbove: env.HYBRID_FANOUT_ABOVE }), notifications.notifier);
  const presenceStore = redis ? new RedisPresenceStore(redis.pub) : new MemoryPresenceStore();
  const presence = new PresenceTracker(presenceStore, database.db, broadcaster, {
    ttlMs: env.PRESENCE_TTL_MS,
    graceMs: env.PRESENCE_GRACE_MS,
    pushMaxMembers: env.PRESENCE_PUSH_MAX_MEMBERS,
  });
  const buckets = redis ? new RedisTokenBuckets(redis.pub) : new MemoryTokenBuckets();
  const failures = redis ? new RedisFailureLedger(redis.pub) : new MemoryFailureLedger();
  const attachments = createAttachmentStorage(env);
  setRuntime({ env, db: database.db, broadcaster, presence, buckets, appendQueue: new AppendQueue(database.db, env.SEND_COMMIT_LANES, database.script), receipts: createReceipts({ db: database.db, broadcaster, script: database.script }, { windowMs: env.RECEIPT_WINDOW_MS, toAllMaxMembers: env.RECEIPTS_TO_ALL_MAX_MEMBERS }), failures, attachments, notifications, rosterReads: new ConcurrencyLimit(env.ROSTER_READS_AT_ONCE, env.ROSTER_READS_MAX_WAITING), redis: redis?.pub ?? null });
  await grantAdmins(database.db, env.RELAY_ADMINS);
  const connections = handleConnections(io, presence);
  io.on('connection', (socket) => {
    metrics().connections.inc();
    socket.once('disconnect', () => metrics().connections.dec());
  });
  presence.start();
  // On the presence beat: a lost live push is made up within one beat (server/realtime/room-heartbeat.ts).
  const stopRoomHeartbeat = startRoomHeartbeat(io, database.db, Math.max(250, Math.floor(env.PRESENCE_TTL_MS / 3)));
  const stopSessionSweep = startSessionSweep(io);
  const stopSweep = startAttachmentSweep({ db: database.db, attachments }, env.ATTACHMENT_UNSENT_TTL_MS);
  notifications.start();

  await app.prepare();
  const upgrade = app.getUpgradeHandler();
  httpServer.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith('/socket.io/')) upgrade(request, socket, head);
  });

  // A port already taken (or a HOST not on this machine) is an 'error' event: without this it went to Next's
  // uncaughtException handler, which logs and carries on, and the node lived on without listening.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(env.PORT, env.HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  log().info({ port, database: database.kind, realtime: redis ? 'redis' : 'in-memory' }, `ready on http://localhost:${port}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log().info({ signal }, 'shutting down');
    const signalledAt = Date.now();
    const forceExit = setTimeout(() => process.exit(1), 10_000);
    forceExit.unref();
    // No new connections; the sends in flight finish and are acked (and pushed) while the clients are
    // still here, then the clients are cut in a way that makes them reconnect to another node. Bounded:
    // what is not done by then is not acked, and the client sends it again elsewhere.
    const httpClosed = new Promise((resolve) => httpServer.close(resolve));
    presence.stop();
    stopRoomHeartbeat();
    stopSessionSweep();
    stopSweep();
    const startedAt = Date.now();
    await connections.drain(3_000);
    // A moment for the acks just written to reach the clients: cut at once, the last one was lost in tests.
    await new Promise((resolve) => setTimeout(resolve, 200));
    dropConnections(io);
    await connections.drain(1_000);
    log().info({ signal, ms: Date.now() - startedAt }, 'sends drained, clients told to reconnect');
    // After a moment for what is still being written to them, connections no request is using are cut (Node's
    // close() would wait on those that never finished one, and io.close() waits on it); a request still being
    // answered (a slow upload) has until the deadline, within the safety timer.
    let cutAll: ReturnType<typeof setTimeout> | undefined;
    const cutIdle = setTimeout(() => (cutAll = httpConnections.close(Math.max(0, ANSWERS_DEADLINE_MS - (Date.now() - signalledAt)))), 1_000);
    await notifications.stop().catch(() => {});
    await io.close().catch(() => {});
    await httpClosed;
    clearTimeout(cutIdle);
    clearTimeout(cutAll);
    log().info({ signal, ms: Date.now() - startedAt }, 'connections closed');
    await redis?.close();
    await database.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

const KEEP_ALIVE_MS = 65_000;
/** How long after the signal a REST request still being answered may go on (the safety timer is at 10 s). */
const ANSWERS_DEADLINE_MS = 8_000;

function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    // Our one proxy appends the address it saw; everything left of it came from the client.
    const nearest = forwarded.split(',').map((entry) => entry.trim()).filter(Boolean).at(-1);
    if (nearest) return nearest;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

main().catch((error) => {
  // Plain stderr as well: the reason must be readable even where JSON logs are not collected.
  restoreConsole();
  console.error(`[relay] failed to start: ${error instanceof Error ? error.message : error}`);
  log().fatal({ err: error instanceof Error ? error.message : String(error) }, 'failed to start');
  log().flush();
  process.exit(1);
});
