import { AppError, type ErrorCode, errorStatus } from '@/lib/errors';
import { toErrorBody } from '../ops/error-body';
import { asUnavailable } from '../db/errors';
import { JSON_BODY_LIMIT_BYTES, readJson } from './api-route';
import { jsonResponse } from './json-response';

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// What next-auth serves (with our one credentials provider); anything else it answers in plain text.
const ACTIONS: Record<string, Set<string>> = {
  GET: new Set(['providers', 'session', 'csrf', 'signin', 'signout', 'error', 'verify-request']),
  POST: new Set(['signin', 'signout', 'callback', 'session', '_log']),
};

/**
 * Wraps next-auth's route so that its failures read like the rest of /api: `{error:{code,message}}`
 * with a 4xx when the request is at fault. next-auth answers some bad requests in plain text or with
 * a 500 (a JSON body that does not parse, a malformed callbackUrl, an action it lacks), so those are
 * refused before it runs, and whatever error it still answers is put in our envelope.
 */
export function authRoute(handler: Handler): Handler {
  return async (request, context) => {
    try {
      const [action] = (await context.params).nextauth ?? [];
      const actions = ACTIONS[request.method];
      if (!actions) throw new AppError('method_not_allowed', 'This endpoint takes GET or POST.');
      if (!actions.has(action)) throw new AppError('not_found', 'No such auth endpoint.');
      if (request.method === 'POST') await checkBody(request);
      checkCallbackUrls(request);
      return await asEnvelope(await handler(request, context));
    } catch (error) {
      const body = toErrorBody(asUnavailable(error));
      return jsonResponse({ error: body }, { status: errorStatus[body.code] });
    }
  };
}

/**
 * next-auth takes a form (its sign-in and sign-out posts) or a JSON object (its client's session update);
 * a JSON body that does not parse is its empty 500, so it is read here first, from a copy, capped.
 */
async function checkBody(request: Request) {
  if (Number(request.headers.get('content-length') ?? 0) > JSON_BODY_LIMIT_BYTES) throw new AppError('too_large', `The request body must be at most ${JSON_BODY_LIMIT_BYTES} bytes.`);
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/json\s*(;|$)/i.test(type)) {
    // next-auth reads fields of it: `null`, a list or a bare value came back as "[object Object]".
    const body = await readJson(request.clone());
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', 'The request body must be a JSON object.');
  } else if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'The request body must be a form (application/x-www-form-urlencoded) or JSON.');
  }
}

/**
 * next-auth refuses a callbackUrl (in the query, or the cookie it keeps it in) that is not an http(s) URL
 * or a path with its configuration-error 500 page: that is the request's fault, so it is a 400 here.
 */
function checkCallbackUrls(request: Request) {
  const cookies = (request.headers.get('cookie') ?? '').split(';').map((part) => part.trim().split('='));
  const fromCookie = cookies.find(([name]) => /(^|-)next-auth\.callback-url$/.test(name))?.slice(1).join('=');
  const values = [new URL(request.url).searchParams.get('callbackUrl'), fromCookie === undefined ? null : safeDecode(fromCookie)];
  for (const value of values) {
    if (value && !isHttpUrl(value, request.url)) throw new AppError('bad_request', 'callbackUrl must be a path or an http(s) URL.');
  }
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

// The same test next-auth makes (lib/parse-url's isValidHttpUrl), made before it can fail on it.
function isHttpUrl(url: string, base: string) {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith('/') ? base : undefined).protocol);
  } catch {
    return false;
  }
}

const CODE_BY_STATUS: Record<number, ErrorCode> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'too_large', 415: 'unsupported_media_type', 429: 'rate_limited' };

/**
 * next-auth's own JSON answers keep their fields (its client reads `url` and the `error` in it) and gain
 * our `error`; a plain-text or HTML one is replaced. A 5xx stays a 5xx, logged: that one is ours to fix.
 */
async function asEnvelope(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.clone().text();
  let original: Record<string, unknown> | null = null;
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) original = parsed;
  } catch {}
  if (original && typeof (original.error as { code?: unknown } | undefined)?.code === 'string') return response;
  const code = CODE_BY_STATUS[response.status] ?? (response.status < 500 ? 'bad_request' : 'internal');
  if (code === 'internal') return jsonResponse({ error: toErrorBody(new Error(`next-auth answered ${response.status}: ${text.slice(0, 200)}`)) }, { status: 500 });
  const message = (typeof original?.url === 'string' && URL.canParse(original.url) && new URL(original.url).searchParams.get('error')) || text.replace(/^Error:\s*/, '').slice(0, 200);
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  const body = { ...(original ?? {}), error: { code, message: message || 'The request was refused.' } };
  return new Response(JSON.stringify(body), { status: response.status, headers });
}
