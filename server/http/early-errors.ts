import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Refuses, before Next sees it, a request Next would answer with a plain-text 500: a path whose
 * %-escapes do not decode. Under /api the answer is our JSON error shape. Returns true if it answered.
 */
export function answerUndecodablePath(request: IncomingMessage, response: ServerResponse): boolean {
  const path = (request.url ?? '/').split('?')[0];
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    const message = 'The URL path holds a malformed %-escape.';
    if (path.startsWith('/api/')) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'bad_request', message } }));
    } else {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(message);
    }
    return true;
  }
}
