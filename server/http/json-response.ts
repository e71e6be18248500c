/**
 * Below this a compressed body saves a few hundred bytes at best, and making it costs the event loop
 * more than the whole rest of a small answer (~0.6 ms per response for a new gzip stream, measured).
 */
export const COMPRESS_FROM_BYTES = 1024;

/**
 * Every JSON answer of the API. Private to whoever asked, so never stored by a cache (`no-store`).
 * Next gzips every response its client accepts gzipped, however small, as its length is not known up
 * front; `no-transform` is the one signal its compressor honours, so small answers go out as they are.
 */
export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const text = JSON.stringify(body);
  const cacheControl = Buffer.byteLength(text) < COMPRESS_FROM_BYTES ? 'no-store, no-transform' : 'no-store';
  return new Response(text, {
    status: init.status ?? 200,
    headers: { 'content-type': 'application/json', 'cache-control': cacheControl, ...init.headers },
  });
}
