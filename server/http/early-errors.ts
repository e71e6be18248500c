import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Refuses, before Next sees it, a request Next would mishandle: a method it cannot take at all (TRACE is
 * a plain-text 500 with an error logged, PROPFIND and the like an empty 400: 501, as no endpoint serves
 * them), a path whose %-escapes do not decode (Next answers a plain-text 500) or, under /api, a query
 * whose %-escapes are not UTF-8 (Next turns each bad byte into a three-byte replacement character, so a
 * trailing-slash redirect can carry a Location three times the request's size, more than a client reads)
 * or a NUL. Under /api the answer is our JSON error shape. Returns true if it answered.
 */
export function answerEarly(request: IncomingMessage, response: ServerResponse): boolean {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const isApi = path === '/api' || path.startsWith('/api/');
  const refusal = !NEXT_METHODS.has(request.method ?? '')
    ? { status: 501, code: 'not_implemented', message: `No endpoint takes ${String(request.method).slice(0, 32)}.` }
    : !decodes(path)
      ? { status: 400, code: 'bad_request', message: 'The URL path holds a malformed %-escape.' }
      : isApi && queryAt !== -1 && !decodes(url.slice(queryAt + 1))
        ? { status: 400, code: 'bad_request', message: 'The URL query holds a malformed %-escape.' }
        : // Refused wherever it is (docs/protocol.md), not only in the parameters an endpoint reads.
          isApi && /%00/.test(url)
          ? { status: 400, code: 'bad_request', message: 'The URL holds a NUL character.' }
          : null;
  if (refusal === null) return false;
  const { status, code, message } = refusal;
  if (isApi) {
    response.writeHead(status, { ...BARE_RESPONSE_HEADERS, 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code, message } }));
  } else {
    response.writeHead(status, { ...BARE_RESPONSE_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    response.end(message);
  }
  return true;
}

// The methods Next's route handlers and pages take; a route refuses the ones it lacks (refuseOtherMethods).
const NEXT_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

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
