import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Refuses, before Next sees it, a request Next would mishandle: a path whose %-escapes do not decode
 * (Next answers a plain-text 500) or, under /api, a query whose %-escapes are not UTF-8 (Next turns each
 * bad byte into a three-byte replacement character, so a trailing-slash redirect can carry a Location
 * three times the request's size, more than a client reads). Under /api the answer is our JSON error
 * shape. Returns true if it answered.
 */
export function answerUndecodablePath(request: IncomingMessage, response: ServerResponse): boolean {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const isApi = path.startsWith('/api/');
  const message = !decodes(path)
    ? 'The URL path holds a malformed %-escape.'
    : isApi && queryAt !== -1 && !decodes(url.slice(queryAt + 1))
      ? 'The URL query holds a malformed %-escape.'
      : null;
  if (message === null) return false;
  if (isApi) {
    response.writeHead(400, { ...BARE_RESPONSE_HEADERS, 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'bad_request', message } }));
  } else {
    response.writeHead(400, { ...BARE_RESPONSE_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    response.end(message);
  }
  return true;
}

// What next.config.js gives every other answer, which this one never reaches (nor Socket.io's own); its
// policy is the strictest, as an error is no page (the served files' own).
export const BARE_RESPONSE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
