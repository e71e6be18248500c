import { sessionEnded } from './sign-out';

/** A refusal from our API: its status, the error's code, and the wait the server asked for (`Retry-After`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly retryAfterMs: number | null,
    /** The error's other fields (`maxBytes` of a 413 too_large). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server could not be reached (offline, or it is down): no answer at all, unlike an ApiError. */
export class NoConnectionError extends Error {
  constructor() {
    super('No connection to the server: try again once it is back.');
    this.name = 'NoConnectionError';
  }
}

/**
 * Fetches our JSON API from the browser; a refusal throws an ApiError with the server's message, no
 * answer a NoConnectionError (whose message, too, can be shown as it is).
 */
export async function apiFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    // A FormData body (an upload) gets its multipart type, with the boundary, from fetch itself.
    headers: { ...(!(init?.body instanceof FormData) && { 'content-type': 'application/json' }), ...init?.headers },
  }).catch((failure: unknown) => {
    // An aborted request stays an AbortError: its caller gave up on purpose.
    if (failure instanceof DOMException && failure.name === 'AbortError') throw failure;
    throw new NoConnectionError();
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // Signed out meanwhile (from another device, or banned): this page cannot go on.
    if (response.status === 401) sessionEnded();
    // Our API sends Retry-After in seconds (server/http/api-route.ts).
    const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
    const { code, message, ...details } = body?.error ?? {};
    throw new ApiError(message ?? `Request failed (${response.status})`, response.status, code, Number.isFinite(retryAfter) ? retryAfter * 1000 : null, details);
  }
  return body as T;
}
