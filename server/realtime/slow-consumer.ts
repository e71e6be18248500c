import type { Socket } from 'socket.io';
import { log } from '../ops/logger';

// What one socket may have waiting to be sent, beyond what the kernel holds: a few seconds of a busy
// conversation for a client on a bad network, far below what would hurt the node.
export const MAX_QUEUED_BYTES = 1024 * 1024;
// Looking costs a pass over the queue: look every so many packets.
const CHECK_EVERY = 16;

type Queued = { data?: unknown };
type EngineConnection = { writeBuffer: Queued[]; transport: { socket?: { bufferedAmount?: number; terminate?: () => void } }; close(discard?: boolean): void; on(event: 'packetCreate', listener: () => void): void };

/**
 * Cuts a socket whose client does not read what it is sent: otherwise every message to its user piles
 * up in this node's memory without bound. The client sees a transport close, reconnects and catches up
 * by sync, so a slow network costs a reconnect and loses nothing.
 */
export function dropWhenSlow(socket: Socket) {
  const connection = socket.conn as unknown as EngineConnection;
  let created = 0;
  connection.on('packetCreate', () => {
    if (++created % CHECK_EVERY !== 0) return;
    const queued = queuedBytes(connection);
    if (queued <= MAX_QUEUED_BYTES) return;
    log().warn({ socketId: socket.id, user: socket.data.actor?.handle, queuedBytes: queued }, 'dropped a slow client');
    // terminate(): a closing handshake would wait behind the data the client is not reading.
    const raw = connection.transport.socket;
    if (typeof raw?.terminate === 'function') raw.terminate();
    else connection.close(true);
  });
}

function queuedBytes(connection: EngineConnection): number {
  let bytes = connection.transport.socket?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer) {
    const { data } = packet;
    bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0;
  }
  return bytes;
}
