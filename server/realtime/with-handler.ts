import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError } from '@/lib/errors';
import { toErrorBody } from '../ops/error-body';
import { parseInput } from '@/lib/validation';
import type { Actor } from '../auth/authenticate';
import { asUnavailable } from '../db/errors';
import { liveSessionActor } from '../auth/authenticate';
import { getRuntime } from '../runtime';
import { type ThrottledEvent, throttleRule, throttleSocketEvent } from './socket-throttle';

type AckReply = (reply: unknown) => void;

/** What a socket carries from the handshake on. */
export type SocketData = { actor: Actor; sessionCheckedAt?: number; sessionEnded?: boolean };

// How stale a socket's last look at its session may be when it acts. The handshake is not enough:
// a session can end while a socket is between the handshake and joining the rooms disconnectSockets
// reaches, and such a socket must not keep sending.
export const SESSION_RECHECK_MS = 5_000;

/** What a queued service returns once its work has its place in line; `done` settles with the result. */
export type Queued<R> = { done: Promise<R> };

/**
 * Events handled one at a time per socket, in arrival order, across every event of the same line: a
 * reaction taken back right after it was added must be removed after it was added, though they are two
 * events. `send`: new messages; `changes`: edits, deletes and reactions; `view`: where the user looks.
 */
type Line = 'send' | 'changes' | 'view';

type HandlerOptions = { line?: Line; throttle?: ThrottledEvent };

/**
 * Handles one event of a socket: `args` as the client sent them (the payload, then the ack). One handler
 * serves every socket, so a connection costs no listener or closure per event.
 */
export type SocketHandler = (socket: Socket, args: unknown[]) => Promise<void>;

/**
 * Turns a service into a socket handler: validates the payload, calls the service with the
 * socket's user, and always answers through the ack envelope, whatever goes wrong. With a `line`, a
 * socket's events on that line are handled one at a time, in arrival order.
 */
export function withHandler<S extends z.ZodType, R extends Record<string, unknown>>(
  schema: S,
  service: (actor: Actor, input: z.infer<S>, socket: Socket) => Promise<R>,
  options: HandlerOptions = {},
) {
  return handlerOf(schema, async (actor, input, socket) => ({ done: Promise.resolve(await service(actor, input, socket)) }), options);
}

/**
 * A handler for a service that queues its work (sends, stored by group commit): in arrival order, the
 * next event starts as soon as this one has its place in line, not once it is done, so a client's
 * pipelined sends share batches and keep their order. Each is answered when it is done.
 */
export function withQueuedHandler<S extends z.ZodType, R extends Record<string, unknown>>(
  schema: S,
  service: (actor: Actor, input: z.infer<S>, socket: Socket) => Promise<Queued<R>>,
) {
  return handlerOf(schema, service, { line: 'send' });
}

const socketLines: Record<Line, WeakMap<Socket, Promise<unknown>>> = { send: new WeakMap(), changes: new WeakMap(), view: new WeakMap() };

function handlerOf<S extends z.ZodType, R extends Record<string, unknown>>(
  schema: S,
  service: (actor: Actor, input: z.infer<S>, socket: Socket) => Promise<Queued<R>>,
  options: HandlerOptions,
): SocketHandler {
  // Resolves once the event has its place in line; its `done` once it has been answered.
  const start = async (socket: Socket, args: unknown[]): Promise<Queued<void>> => {
    // The ack is the last argument when there is one; exactly one payload goes before it.
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as AckReply) : null;
    const reply: AckReply = ack ?? (() => {});
    const fail = (error: unknown) => reply({ ok: false, error: toErrorBody(asUnavailable(error)) });
    try {
      if (args.length !== 1) throw new AppError('bad_request', `Expected one payload (and an ack), got ${args.length} arguments.`);
      if (options.throttle) {
        const { SOCKET_EVENTS_PER_SEC, SOCKET_EVENT_BURST } = getRuntime().env;
        throttleSocketEvent(socket, options.throttle, throttleRule(options.throttle, { perSec: SOCKET_EVENTS_PER_SEC, burst: SOCKET_EVENT_BURST }));
      }
      const payload = args[0];
      if (!(await sessionStillLive(socket))) {
        reply({ ok: false, error: { code: 'unauthorized', message: 'This session has ended. Sign in again.' } });
        socket.disconnect(true);
        return { done: Promise.resolve() };
      }
      const queued = await service((socket.data as SocketData).actor, parseInput(schema, payload), socket);
      return { done: queued.done.then((result) => reply({ ok: true, ...result }), fail) };
    } catch (error) {
      fail(error);
      return { done: Promise.resolve() };
    }
  };
  if (!options.line) return async (socket, args) => (await start(socket, args)).done;
  // Each event starts once the socket's one before it on the line has its place: what a client pipelines
  // keeps its order. A socket with nothing in line keeps no line.
  const lines = socketLines[options.line];
  return (socket, args) => {
    const started = (lines.get(socket) ?? Promise.resolve()).then(() => start(socket, args));
    lines.set(socket, started);
    const leave = () => void (lines.get(socket) === started && lines.delete(socket));
    void started.then(leave, leave);
    return started.then((event) => event.done);
  };
}

/**
 * True while the socket's session is live (not signed out, user not banned or suspended). Looks again
 * when the last look is older than `maxAgeMs`, and always once the socket is cut: it may have been cut
 * because the session ended, and then the sends still queued on it must not go through.
 */
export async function sessionStillLive(socket: Socket, maxAgeMs = SESSION_RECHECK_MS): Promise<boolean> {
  const data = socket.data as SocketData;
  if (data.sessionEnded) return false;
  const startedAt = Date.now();
  if (socket.connected && startedAt - (data.sessionCheckedAt ?? 0) < maxAgeMs) return true;
  const actor = await liveSessionActor(data.actor.sessionId, { touch: false });
  if (!actor) {
    data.sessionEnded = true;
    return false;
  }
  // Also picks up a new display name or role.
  data.actor = actor;
  data.sessionCheckedAt = Math.max(data.sessionCheckedAt ?? 0, startedAt);
  return true;
}
