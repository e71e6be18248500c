import { createServer, type IncomingMessage } from 'node:http';
import next from 'next';
import { openDatabase } from './server/db/open-database';
import { loadEnv } from './server/env';
import { MemoryPresenceStore } from './server/presence/presence-store';
import { PresenceTracker } from './server/presence/presence-tracker';
import { RedisPresenceStore } from './server/presence/redis-presence-store';
import { grantAdmins } from './server/moderation/grant-admin';
import { CLIENT_IP_HEADER } from './server/safety/rate-limits';
import { MemoryTokenBuckets, RedisTokenBuckets } from './server/safety/token-bucket';
import { MemoryFailureLedger, RedisFailureLedger } from './server/safety/failure-ledger';
import { socketBroadcaster } from './server/realtime/broadcaster';
import { createRealtimeServer, handleConnections } from './server/realtime/create-realtime-server';
import { openRedis } from './server/redis';
import { AppendQueue } from './server/messages/append-queue';
import { setRuntime } from './server/runtime';
import { answerUndecodablePath } from './server/http/early-errors';
import { logRequest } from './server/ops/access-log';
import { log } from './server/ops/logger';
import { metrics } from './server/ops/metrics';

// Composition root: env → database (migrated) → Redis → HTTP server with Next and Socket.io → listen.
async function main() {
  // No phoning home from a chat server; set NEXT_TELEMETRY_DISABLED=0 to opt in.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  const env = loadEnv();
  process.env.NEXTAUTH_SECRET = env.NEXTAUTH_SECRET;
  // Without a configured public URL, next-auth builds its URLs from the request's Host header.
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';

  const database = await openDatabase(env);
  const redis = env.REDIS_URL ? await openRedis(env.REDIS_URL) : null;
  const app = next({ dev: env.NODE_ENV !== 'production', hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();

  const httpServer = createServer((request, response) => {
    // The one client address rate limits trust; whatever the client sent under this name is replaced.
    request.headers[CLIENT_IP_HEADER] = clientIp(request, env.TRUST_PROXY);
    logRequest(request, response);
    if (answerUndecodablePath(request, response)) return;
    return handle(request, response);
  });
  const io = createRealtimeServer(httpServer, redis, { publicUrl: env.NEXTAUTH_URL, trustProxy: env.TRUST_PROXY });
  const broadcaster = socketBroadcaster(io);
  const presenceStore = redis ? new RedisPresenceStore(redis.pub) : new MemoryPresenceStore();
  const presence = new PresenceTracker(presenceStore, database.db, broadcaster, {
    ttlMs: env.PRESENCE_TTL_MS,
    graceMs: env.PRESENCE_GRACE_MS,
  });
  const buckets = redis ? new RedisTokenBuckets(redis.pub) : new MemoryTokenBuckets();
  const failures = redis ? new RedisFailureLedger(redis.pub) : new MemoryFailureLedger();
  setRuntime({ env, db: database.db, broadcaster, presence, buckets, appendQueue: new AppendQueue(database.db), failures, redis: redis?.pub ?? null });
  await grantAdmins(database.db, env.RELAY_ADMINS);
  handleConnections(io, presence);
  io.on('connection', (socket) => {
    metrics().connections.inc();
    socket.once('disconnect', () => metrics().connections.dec());
  });
  presence.start();

  await app.prepare();
  const upgrade = app.getUpgradeHandler();
  httpServer.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith('/socket.io/')) upgrade(request, socket, head);
  });

  await new Promise<void>((resolve) => httpServer.listen(env.PORT, env.HOST, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  log().info({ port, database: database.kind, realtime: redis ? 'redis' : 'in-memory' }, `ready on http://localhost:${port}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log().info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => process.exit(1), 10_000);
    forceExit.unref();
    presence.stop();
    await io.close().catch(() => {});
    await new Promise((resolve) => httpServer.close(resolve));
    await redis?.close();
    await database.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

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
  console.error(`[relay] failed to start: ${error instanceof Error ? error.message : error}`);
  log().fatal({ err: error instanceof Error ? error.message : String(error) }, 'failed to start');
  log().flush();
  process.exit(1);
});
