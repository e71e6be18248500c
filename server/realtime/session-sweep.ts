import { log } from '../ops/logger';
import type { RealtimeIo } from './create-realtime-server';
import { SESSION_RECHECK_MS, sessionStillLive } from './with-handler';

/**
 * Looks at the sessions of all this node's sockets together, every half recheck interval: the looks
 * of one turn are one query (authenticate.ts), so a node pays one query per sweep where each busy
 * socket used to pay a look of its own every SESSION_RECHECK_MS (at a few hundred messages a second,
 * a seventh of the node's queries). A busy socket's events then find a recent look and wait for none;
 * and a socket whose session ended is cut even if it never sends again. Returns `stop`.
 */
export function startSessionSweep(io: RealtimeIo, everyMs = SESSION_RECHECK_MS / 2): () => void {
  const sweep = () => {
    for (const socket of io.of('/').sockets.values()) {
      // Sockets looked at since the last sweep (just connected, or an event's own look) are left be.
      void sessionStillLive(socket, everyMs / 2).then(
        (live) => live || socket.disconnect(true),
        (error) => log().error({ socketId: socket.id, err: error instanceof Error ? error.message : String(error) }, 'session sweep failed'),
      );
    }
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
