import { AppError, errorStatus, toErrorBody } from '@/lib/errors';
import { NO_CONTROL_CHARACTERS } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { authenticateToken } from '../auth/authenticate';
import { tokenFromHeaders } from '../auth/session-token';
import { requireAdmin } from '../moderation/require-admin';

type Context<P> = { actor: Actor; params: P; request: Request };
type RouteArgs<P> = [request: Request, segment: { params: Promise<P> }];

/**
 * Wraps a route handler: authenticates (bearer token or session cookie), runs it, and maps
 * errors to `{error:{code,message}}` with the status from one table.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (context: Context<P>) => Promise<unknown>,
  options: { status?: number; adminOnly?: boolean } = {},
) {
  return async (...[request, segment]: RouteArgs<P>) => {
    try {
      const actor = await authenticateRequest(request);
      // Before any input is read: a non-admin gets 403 whatever they sent.
      if (options.adminOnly) requireAdmin(actor);
      const params = (await segment?.params) ?? ({} as P);
      assertStorableParams(params);
      const result = await handler({ actor, params, request });
      // A handler that serves bytes (an attachment) builds its own Response.
      if (result instanceof Response) return result;
      return Response.json(result, { status: options.status ?? 200 });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The same wrapper for the few endpoints that are open to anonymous callers. */
export function publicRoute(handler: (request: Request) => Promise<unknown>, options: { status?: number } = {}) {
  return async (request: Request) => {
    try {
      return Response.json(await handler(request), { status: options.status ?? 200 });
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

export async function authenticateRequest(request: Request): Promise<Actor> {
  const token = tokenFromHeaders(request.headers.get('authorization'), request.headers.get('cookie'));
  const actor = await authenticateToken(token);
  if (!actor) throw new AppError('unauthorized', 'Sign in first.');
  return actor;
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new AppError('bad_request', 'The request body must be JSON.');
  }
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
    Response.json({ error: { code: 'method_not_allowed', message: `This endpoint takes ${allow}.` } }, { status: errorStatus.method_not_allowed, headers: { allow } });
  return Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<Method, () => Promise<Response>>;
}

export const searchParams = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);

function errorResponse(error: unknown) {
  const body = toErrorBody(error);
  return Response.json({ error: body }, { status: errorStatus[body.code] });
}
