import { format } from 'node:util';
import pino, { type Logger } from 'pino';

// Never logged, whatever a caller passes: credentials, and what users wrote.
const REDACT = ['password', 'token', 'authorization', 'cookie', 'body', '*.password', '*.token', '*.authorization', '*.cookie', '*.body', 'NEXTAUTH_SECRET', 'METRICS_TOKEN'];

function createLogger(): Logger {
  const dev = process.env.NODE_ENV !== 'production' && process.env.NODE_ENV !== 'test';
  // Blank is unset, as in loadEnv; a level loadEnv refuses takes the default, so that the refusal can be
  // logged (pino throws on a level it does not know, at the first line).
  const configured = process.env.LOG_LEVEL ?? '';
  const known = configured === 'silent' || Object.hasOwn(pino.levels.values, configured);
  return pino({
    level: known ? configured : dev ? 'debug' : 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    // JSON lines in production (one object per line, for the log pipeline); readable in `next dev`.
    transport: dev ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } : undefined,
  });
}

// One logger for server.ts and Next's route handlers (separate module graphs), on globalThis.
const holder = globalThis as typeof globalThis & { __relayLogger?: Logger };

export function log(): Logger {
  holder.__relayLogger ??= createLogger();
  return holder.__relayLogger;
}

/** The fields that say who and where, never what they wrote. */
export const socketFields = (socketId: string, handle?: string) => ({ socketId, user: handle });

/**
 * Routes what others print through the console (Next's start-up line, an error it caught in a route) to
 * the logger as JSON lines, so that everything on stdout is one (docs/operations.md). Returns a function
 * that puts the console back.
 */
export function consoleThroughLogger(): () => void {
  const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => log()[level]({ source: 'console' }, format(...args));
  Object.assign(console, { log: to('info'), info: to('info'), warn: to('warn'), error: to('error'), debug: to('debug') });
  return () => void Object.assign(console, original);
}
