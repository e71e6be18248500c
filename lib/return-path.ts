import { hasLoneSurrogate } from './text-rules';

// Where sign-in (or sign-up) returns to: the page a signed-out visitor asked for (`?callbackUrl=`, as
// next-auth names it). Only a path on this site: anything else would make our sign-in page a way to send
// people, freshly signed in, to a look-alike site.

/** The request's own path, set by server.ts on every request (whatever a client sent under this name is replaced). */
export const PAGE_PATH_HEADER = 'x-relay-page-path';

/**
 * `value` if it is a path of this site to return to, else null. Not `//host` or `/\host` (browsers read
 * both as another host), no scheme, nothing blank or invisible, and not the sign-in pages or the API.
 * Letters beyond ASCII come back percent-encoded, as a Location header must carry them.
 */
export function returnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2_000 || hasLoneSurrogate(value)) return null;
  if (!/^\/(?![/\\])[^\s\\\p{Cc}\p{Cf}]*$/u.test(value)) return null;
  if (/^\/(signin|signup|api)(?=[/?#]|$)/.test(value)) return null;
  return value.replace(/[^\x00-\x7F]+/gu, encodeURIComponent);
}

/** `path` with the return place as its `callbackUrl` (none for the chat's start, where sign-in goes anyway). */
export const withReturnTo = (path: string, returnTo: string | null) => (returnTo && returnTo !== '/' ? `${path}?callbackUrl=${encodeURIComponent(returnTo)}` : path);
