import { readFileSync } from 'node:fs';

/**
 * How many connections (HTTP and WebSocket alike) a node takes before it closes new ones on arrival.
 * Each is a file descriptor: a node that used them all up could no longer open a file, a database
 * connection or a log, and answered requests it had already taken with 500s (10,000 sockets and
 * 10,000 room-list requests at once on a limit of 20,000, docs/performance.md). So the default is the
 * process's open-file limit less a reserve; a closed connection is a retry for the client, not an error.
 */
export function connectionCap(configured: number | undefined, limits = readLimits()): number {
  if (configured !== undefined) return configured;
  const openFiles = limits?.match(/^Max open files\s+(\d+)/m)?.[1];
  if (!openFiles) return Infinity;
  const limit = Number(openFiles);
  return Math.max(1, limit - Math.max(256, Math.ceil(limit / 10)));
}

/** Linux's account of this process's limits; elsewhere nothing, and no cap unless one is configured. */
function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}
