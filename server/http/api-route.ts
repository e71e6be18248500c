import { AppError, errorStatus } from '@/lib/errors';
import { toErrorBody } from '../ops/error-body';
import { NO_CONTROL_CHARACTERS } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { authenticateToken } from '../auth/authenticate';
import { tokenFromHeaders } from '../auth/session-token';
import { asUnavailable, isClientAbort } from '../db/errors';
import { requireAdmin } from '../moderation/require-admin';
import { getRuntime } from '../runtime';
import { jsonResponse } from './json-response';
import { isCrossOrigin } from './same-origin';

type Context<P> = { actor: Actor; params: P; request: Request };
type RouteArgs<P> = [request: Request, segment: { params: Promise<P> }];

/**
 * What a route takes as a body: JSON (the default; anything else is a 415 before it is read) or, for
 * upload endpoints, whatever content type they check themselves; and how many bytes at most.
 */
export type BodyOptions = { body?: 'json' | 'any'; maxBodyBytes?: number };

/** Enough for every JSON body the API takes (a message is at most 4,000 characters). */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Wraps a route handler: authenticates (bearer token or session cookie), runs it, and maps
 * errors to `{error:{code,message}}` with the status from one table.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (context: Context<P>) => Promise<unknown>,
  options: { status?: number; adminOnly?: boolean } & BodyOptions = {},
) {
  return async (...[request, segment]: RouteArgs<P>) => {
    try {
      guardRequest(request, options);
      const actor = await authenticateRequest(request);
      // Before any input is read: a non-admin gets 403 whatever they sent.
      if (options.adminOnly) requireAdmin(actor);
      const params = (await segment?.params) ?? ({} as P);
      assertStorableParams(params);
      const result = await handler({ actor, params, request });
      // A handler that serves bytes (an attachment) builds its own Response.
      if (result instanceof Response) return result;
      return jsonResponse(result, { status: options.status ?? 200 });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The same wrapper for the few endpoints that are open to anonymous callers. */
export function publicRoute(handler: (request: Request) => Promise<unknown>, options: { status?: number } & BodyOptions = {}) {
  return async (request: Request) => {
    try {
      guardRequest(request, options);
      return jsonResponse(await handler(request), { status: options.status ?? 200 });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

// Path segments reach the database as they are; a NUL byte there makes Postgres refuse the query (a 500).
function assertStorableParams(params: unknown) {
  const values = Object.values(params as Record<string, string | string[]>).flat();
  if (!values.every((value) => NO_CONTROL_CHARACTERS.test(value))) {
    throw new AppError('bad_request', 'The URL holds characters that are not allowed.');
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Checks made before anything is read: a cookie-authenticated write must come from the app's own
 * pages (a bearer token is an API client's, which no other site can make a browser send); a body's
 * declared size and type must fit the route.
 */
function guardRequest(request: Request, options: BodyOptions) {
  const header = (name: string) => request.headers.get(name);
  if (!WRITES.has(request.method)) return;
  if (!/^Bearer\s/i.test(header('authorization') ?? '')) {
    const { env } = getRuntime();
    if (isCrossOrigin(header, { publicUrl: env.NEXTAUTH_URL, trustProxy: env.TRUST_PROXY })) {
      throw new AppError('forbidden', 'Cross-site requests are not accepted.');
    }
  }
  const declared = Number(header('content-length') ?? 0);
  if (declared > (options.maxBodyBytes ?? JSON_BODY_LIMIT_BYTES)) throw tooLarge(options.maxBodyBytes ?? JSON_BODY_LIMIT_BYTES);
  const hasBody = declared > 0 || header('transfer-encoding') !== null;
  if (hasBody && (options.body ?? 'json') === 'json' && !isJsonType(header('content-type'))) {
    throw new AppError('unsupported_media_type', 'The request body must be JSON (Content-Type: application/json).');
  }
}

const isJsonType = (type: string | null) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type ?? '');

const tooLarge = (limit: number) => new AppError('too_large', `The request body must be at most ${limit} bytes.`);

export async function authenticateRequest(request: Request): Promise<Actor> {
  const token = tokenFromHeaders(request.headers.get('authorization'), request.headers.get('cookie'));
  const actor = await authenticateToken(token);
  if (!actor) throw new AppError('unauthorized', 'Sign in first.');
  return actor;
}

/** Reads a JSON body, stopping at `maxBytes` (a chunked body declares no length up front). */
export async function readJson(request: Request, maxBytes = JSON_BODY_LIMIT_BYTES): Promise<unknown> {
  const text = await readText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The request body must be JSON.');
  }
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/**
 * JSON 405s, naming what is allowed, for the methods a route does not serve (Next's own 405 has no
 * body). A route exports the ones it lacks: `export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST')`.
 */
export function refuseOtherMethods(...allowed: Method[]): Record<Method, () => Promise<Response>> {
  const allow = allowed.join(', ');
  const refuse = async () =>
    jsonResponse({ error: { code: 'method_not_allowed', message: `This endpoint takes ${allow}.` } }, { status: errorStatus.method_not_allowed, headers: { allow } });
  return Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<Method, () => Promise<Response>>;
}

export const searchParams = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);

function errorResponse(error: unknown) {
  // Nobody is left to read the answer to a request cut off mid-body; it is not an error of ours either.
  const body = toErrorBody(isClientAbort(error) ? new AppError('bad_request', 'The request ended before its body did.') : asUnavailable(error));
  // Busy or briefly down, or over a limit: a well-behaved client waits (in whole seconds) rather than retrying at once.
  const headers =
    body.code === 'unavailable'
      ? { 'retry-after': '1' }
      : body.code === 'rate_limited' && typeof body.retryAfterMs === 'number'
        ? { 'retry-after': String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))) }
        : undefined;
  return jsonResponse({ error: body }, { status: errorStatus[body.code], headers });
}
