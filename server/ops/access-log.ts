import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from './logger';

/**
 * One JSON line per API request when it finishes: an id (also sent back as X-Request-Id), method,
 * path without the query (which may hold search terms), status and time. Never headers or bodies.
 */
export function logRequest(request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0];
  if (!path.startsWith('/api/')) return;
  const requestId = randomUUID();
  response.setHeader('x-request-id', requestId);
  const started = performance.now();
  response.once('finish', () => {
    const status = response.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    log()[level]({ requestId, method: request.method, path: path.slice(0, 200), status, ms: Math.round(performance.now() - started) }, 'request');
  });
}
