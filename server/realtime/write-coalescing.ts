import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

type EngineConnection = { transport?: { socket?: { _socket?: NetSocket } } };

/**
 * Frames queued for one connection leave in one system call instead of one each. Engine.io holds a
 * connection's packets while its previous write is in flight and then hands them over one by one, and ws
 * writes every frame at once: a busy chat socket (acks, echoes, receipts) costs a `writev` per frame, the
 * largest cost in a node's profile. Corking the TCP socket when engine.io flushes and uncorking it on the
 * next tick sends the whole flush as one `writev`, in the same order and without waiting longer than the
 * current turn. One listener on the engine for every connection: no per-socket state.
 */
export function coalesceWrites(io: Server) {
  const corked = new Set<NetSocket>();
  const uncorkAll = () => {
    for (const raw of corked) raw.uncork();
    corked.clear();
  };
  io.engine.on('flush', (connection: EngineConnection) => {
    // Only the WebSocket transport writes to a socket of its own; long-polling answers a request.
    const raw = connection.transport?.socket?._socket;
    if (!raw || corked.has(raw)) return;
    if (corked.size === 0) process.nextTick(uncorkAll);
    raw.cork();
    corked.add(raw);
  });
}
