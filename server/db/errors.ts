import { AppError } from '@/lib/errors';
import { log } from '../ops/logger';

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

// Prisma's codes for "could not talk to the database" (reach, time out, connection closed, pool or
// transaction start timed out), the driver adapter's kinds for the same, and Postgres' SQLSTATEs for
// a connection that failed (class 08) or a server shutting down or starting (57P01-57P03).
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** Node's error for a request whose client went away before its body ended: "aborted", code ECONNRESET. */
export const isClientAbort = (error: unknown) => error instanceof Error && error.message === 'aborted' && (error as { code?: unknown }).code === 'ECONNRESET';

/** True when an error says the database could not be reached or went away, not that it refused the data. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3 || isClientAbort(error)) return false;
  const { code, meta, message, cause, kind } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    message?: unknown;
    cause?: unknown;
    kind?: unknown;
  };
  const adapter = meta?.driverAdapterError?.cause;
  if (typeof code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code) || isConnectionSqlState(code))) return true;
  if (UNAVAILABLE_ADAPTER_KINDS.has(String(adapter?.kind ?? kind)) || isConnectionSqlState(String(adapter?.originalCode ?? ''))) return true;
  // node-postgres' own words for a connection that ended under a query; `connect ENOENT`: a Unix socket
  // whose server is stopped (its socket file is gone), which neither pg nor the adapter gives a kind.
  if (typeof message === 'string' && /Connection terminated|connection (?:is )?(?:closed|ended)|Can't reach database server|connect ENOENT|timed? ?out|timeout/i.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

// Also a cancelled statement (57014), a lock timeout (55P03) and too many connections (53300): overload,
// not the data, so retrying parts of the same work would only fail the same way, slowly.
const isConnectionSqlState = (code: string) => /^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || /^(57014|55P03|53300)$/.test(code);

/**
 * The one place a database outage becomes `unavailable` (503, retryable): every transport passes what
 * it caught through this before answering, so a client keeps the work and tries again instead of
 * taking an outage for a refusal ("internal") or for being signed out.
 */
export function asUnavailable(error: unknown): unknown {
  if (error instanceof AppError || !isDatabaseUnavailable(error)) return error;
  log().error({ err: errorReason(error) }, 'database unavailable');
  return new AppError('unavailable', 'The service is briefly unavailable. Try again in a moment.');
}

/** The line of an error that says why: Prisma's messages start with a blank line and end with the reason. */
export const errorReason = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n').filter(Boolean).at(-1) ?? error.message) : String(error);
