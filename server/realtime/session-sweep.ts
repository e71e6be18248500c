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
  let running = false;
  const sweep = async () => {
    const sockets = [...io.of('/').sockets.values()];
    // Sockets looked at since the last sweep (just connected, or an event's own look) are left be.
    const looks = await Promise.allSettled(sockets.map((socket) => sessionStillLive(socket, everyMs / 2)));
    looks.forEach((look, index) => look.status === 'fulfilled' && !look.value && sockets[index].disconnect(true));
    // A database outage fails every look at once: said once per sweep, not once per socket.
    const failed = looks.filter((look) => look.status === 'rejected');
    if (failed.length > 0) log().error({ sockets: failed.length, err: String((failed[0] as PromiseRejectedResult).reason) }, 'session sweep failed');
  };
  // A sweep still waiting on a slow database is not joined by another.
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void sweep().finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
