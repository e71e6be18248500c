import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A server's connections as its shutdown sees them. Those with a request being answered (an upload on a
 * slow line, a read waiting on the database) are let finish, up to a deadline: cut, its client would show
 * an error for something that may well have been done. The others are cut at once: idle ones, and those
 * that never finished a request's head (opened ahead by a browser or a balancer, or stalled half-way),
 * which Node's close() counts as busy and waits on.
 */
export function followConnections(server: Server) {
  const open = new Set<Socket>();
  const answering = new Set<Socket>();
  let closing = false;
  server.on('connection', (socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      answering.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    answering.add(socket);
    response.once('close', () => {
      answering.delete(socket);
      // Answered while closing: the connection goes once the answer is out, rather than wait to be cut.
      if (closing) socket.end();
    });
  });
  return {
    /** Cuts every connection no request is using, ends the others as their answers finish, and cuts all after `deadlineMs`. */
    close(deadlineMs: number): ReturnType<typeof setTimeout> {
      closing = true;
      for (const socket of open) if (!answering.has(socket)) socket.destroy();
      return setTimeout(() => server.closeAllConnections(), deadlineMs);
    },
  };
}
