import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/realtime/contract';
import { sessionRoom, userRoom } from '@/lib/realtime/contract';
import { AppError } from '@/lib/errors';
import { toErrorBody } from '../ops/error-body';
import { authenticateToken } from '../auth/authenticate';
import { tokenFromHeaders } from '../auth/session-token';
import { asUnavailable } from '../db/errors';
import type { PresenceTracker } from '../presence/presence-tracker';
import type { RedisConnections } from '../redis';
import { isCrossOrigin, type OriginPolicy } from '../http/same-origin';
import { log } from '../ops/logger';
import { socketHandlers } from './handlers';
import type { SocketHandler } from './with-handler';
import { dropWhenSlow } from './slow-consumer';
import { coalesceWrites } from './write-coalescing';
import { type SocketData, sessionStillLive } from './with-handler';
import { BARE_RESPONSE_HEADERS } from '../http/early-errors';

export type RealtimeIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Socket.io on the app's HTTP server; with Redis, nodes share broadcasts through the Redis adapter. */
export function createRealtimeServer(httpServer: HttpServer, redis: RedisConnections | null, origins: OriginPolicy = {}): RealtimeIo {
  const io: RealtimeIo = new Server(httpServer, {
    // Leave other upgrade requests (Next's dev HMR socket) to their own listeners.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // A page of another origin must not open a socket on the user's cookie (and read their chats);
    // a handshake without Origin is a non-browser client, which has to bring its own token.
    allowRequest: (request, callback) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const refused = isCrossOrigin(header, origins);
      callback(refused ? 'cross-origin handshake refused' : null, !refused);
    },
  });
  if (redis) io.adapter(createAdapter(redis.pub, redis.sub));
  coalesceWrites(io);
  // Socket.io answers its own HTTP requests (long-polling, its errors), which Next's headers never reach.
  httpServer.prependListener('request', (request, response) => {
    if (request.url?.startsWith(`${io.path()}/`)) for (const [name, value] of Object.entries(BARE_RESPONSE_HEADERS)) response.setHeader(name, value);
  });

  // Refused at the handshake unless the cookie or `auth.token` names a live session. Socket.io does not
  // catch a rejected middleware: any failure must still end in next(), or the handshake hangs.
  io.use(async (socket, next) => {
    try {
      const actor = await authenticateToken(handshakeToken(socket));
      if (!actor) return next(new Error('unauthorized'));
      socket.data.actor = actor;
      next();
    } catch (error) {
      next(handshakeError(socket.id, error));
    }
  });
  return io;
}

// A database outage is not a signed-out user: the client is told `unavailable` and tries again.
function handshakeError(socketId: string, caught: unknown): Error {
  const known = asUnavailable(caught);
  if (known instanceof AppError && known.code === 'unavailable') {
    return Object.assign(new Error('unavailable'), { data: { code: known.code, message: known.message } });
  }
  log().error({ socketId, err: caught instanceof Error ? caught.message : String(caught) }, 'socket auth failed');
  return new Error('unauthorized');
}

function handshakeToken(socket: Socket) {
  const { auth, headers } = socket.handshake;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  return tokenFromHeaders(headers.authorization, headers.cookie);
}

/**
 * Joins each socket to its user's and session's rooms, binds the handlers, and reports presence.
 * Returns `drain`, for shutdown: from then on events are refused as `unavailable` (retried by the client on
 * its next node), and it resolves once none is being handled (or at the deadline).
 */
export function handleConnections(io: RealtimeIo, presence: PresenceTracker) {
  const inFlight = new Set<Promise<unknown>>();
  // Taken after the drain, a send was stored but its ack never reached a client that was being cut.
  let accepting = true;
  const closing = toErrorBody(new AppError('unavailable', 'This server is restarting. Try again in a moment.'));
  const track = (work: Promise<unknown>) => {
    const running = work.catch(() => {});
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  };
  // A Map, not the object: an event named `constructor` or `__proto__` must not find a handler.
  const handlers = new Map<string, SocketHandler>(Object.entries(socketHandlers));
  io.on('connection', (socket) => {
    const actor = socket.data.actor;
    const connection = { userId: actor.userId, handle: actor.handle, sessionId: actor.sessionId };
    socket.join([userRoom(actor.userId), sessionRoom(actor.sessionId)]);
    dropWhenSlow(socket);
    // A session ended after the handshake but before this join was missed by disconnectSockets; the
    // ending is committed before that call, so one look after joining catches it.
    void sessionStillLive(socket, 0).then(
      (live) => live || socket.disconnect(true),
      (error) => log().error({ socketId: socket.id, user: actor.handle, err: String(error) }, 'session check failed'),
    );
    // One listener per socket dispatches every event through the shared handler table, where a listener
    // per event and socket would make each idle connection carry a dozen listeners and their closures.
    socket.onAny((event: string, ...args: unknown[]) => {
      const handle = handlers.get(event);
      if (handle && !accepting) {
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error: closing });
        return;
      }
      if (handle) return track(handle(socket, args));
      // An event we do not know still gets an answer, so the client does not wait out its timeout (unless
      // a listener bound elsewhere takes it; tests bind some). Socket.io's own "error" listener answers nothing.
      const ack = args.at(-1);
      if (typeof ack !== 'function' || (event !== 'error' && socket.listeners(event as keyof ClientToServerEvents).length > 0)) return;
      ack({ ok: false, error: { code: 'bad_request', message: `Unknown event "${String(event).slice(0, 64)}".` } });
    });
    const logPresence = (error: unknown) => log().error({ socketId: socket.id, user: actor.handle, err: String(error) }, 'presence failed');
    void presence.connected(connection, socket.id).catch(logPresence);
    socket.on('disconnect', () => {
      void presence.disconnected(connection, socket.id).catch(logPresence);
    });
  });
  return {
    async drain(timeoutMs: number) {
      accepting = false;
      const deadline = Date.now() + timeoutMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
      }
    },
  };
}

/**
 * Closes every client's connection without a disconnect packet: the client sees "transport close" and
 * reconnects (to another node, behind a load balancer), where "io server disconnect" would tell it to stop.
 */
export function dropConnections(io: RealtimeIo) {
  for (const socket of io.of('/').sockets.values()) socket.conn.close();
}
