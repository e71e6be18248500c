/**
 * A unique-constraint violation: P2002 from Prisma's query API; from raw SQL it surfaces as
 * P2010 carrying Postgres' SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta, message } = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  if (code === 'P2002') return true;
  return code === 'P2010' && (meta?.code === '23505' || String(message).includes('23505'));
}

// Prisma's codes for an unreachable server, a lost connection, a pool or transaction timeout.
const INFRASTRUCTURE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// SQLSTATEs of the same kind: connection exceptions (08…), shutdown (57P…), a cancelled statement,
// a lock timeout, too many connections.
const INFRASTRUCTURE_STATES = /^(08|57P)|^(57014|55P03|53300)$/;
const INFRASTRUCTURE_MESSAGE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|timed? ?out|timeout|connection (terminated|refused|closed|ended)|can't reach database|database is not reachable/i;

/**
 * True for an error that says nothing about the data sent (the database is unreachable, a connection
 * broke, something timed out): retrying parts of the same work would only fail the same way, slowly.
 */
export function isConnectionOrTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta, message, cause } = error as { code?: unknown; meta?: Record<string, any>; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (INFRASTRUCTURE_CODES.has(code) || INFRASTRUCTURE_STATES.test(code))) return true;
  const states = [meta?.code, meta?.driverAdapterError?.cause?.originalCode, meta?.driverAdapterError?.cause?.code];
  if (states.some((state) => typeof state === 'string' && INFRASTRUCTURE_STATES.test(state))) return true;
  if (INFRASTRUCTURE_MESSAGE.test(String(message ?? ''))) return true;
  return cause !== undefined && cause !== error && isConnectionOrTimeout(cause);
}
