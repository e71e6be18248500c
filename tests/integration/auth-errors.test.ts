import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { browserSignIn, createUser } from '../helpers/clients';

// next-auth's route under /api answers in the API's error shape too: never an HTML or empty 500.
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
});

afterAll(async () => {
  await server?.stop();
});

async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(server.url + path, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body, text, location: response.headers.get('location') };
}

const form = (body: string, type = 'application/x-www-form-urlencoded') => ({ method: 'POST', headers: { 'content-type': type }, body });

function expectJsonError(reply: Awaited<ReturnType<typeof raw>>, status: number, code: string) {
  expect(reply.status, reply.text.slice(0, 120)).toBe(status);
  expect(reply.body?.error, reply.text.slice(0, 120)).toMatchObject({ code, message: expect.any(String) });
}

describe('/api/auth: bad input is a JSON 4xx', () => {
  it('an action next-auth lacks, or a provider with no GET callback, is a JSON 404', async () => {
    expectJsonError(await raw('/api/auth/nope'), 404, 'not_found');
    expectJsonError(await raw('/api/auth/callback/credentials'), 404, 'not_found');
    expectJsonError(await raw('/api/auth/nope', form('a=1')), 404, 'not_found');
  });

  it('an unknown provider in a POST callback is a JSON 4xx', async () => {
    const reply = await raw('/api/auth/callback/nope', form('a=1'));
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body?.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('a sign-in with a JSON body that does not parse is a 400, with neither a form nor JSON a 415', async () => {
    expectJsonError(await raw('/api/auth/callback/credentials', form('{', 'application/json')), 400, 'bad_request');
    expectJsonError(await raw('/api/auth/session', form('{"csrfToken":', 'application/json')), 400, 'bad_request');
    // JSON, but not the object next-auth reads fields of: said so, not "[object Object]".
    for (const body of ['null', '[1]', '"text"', '5']) {
      const reply = await raw('/api/auth/session', form(body, 'application/json'));
      expectJsonError(reply, 400, 'bad_request');
      expect(reply.body.error.message).toBe('The request body must be a JSON object.');
    }
    expectJsonError(await raw('/api/auth/callback/credentials', form('hello', 'text/plain')), 415, 'unsupported_media_type');
    expectJsonError(await raw('/api/auth/callback/credentials', form(`username=${'a'.repeat(70_000)}`)), 413, 'too_large');
  });

  it('a malformed callbackUrl in the query or its cookie is a JSON 400; in a form it goes home', async () => {
    for (const callbackUrl of ['%zz', 'http://%zz', '::::']) {
      const query = `callbackUrl=${encodeURIComponent(callbackUrl)}`;
      expectJsonError(await raw(`/api/auth/signin?${query}`), 400, 'bad_request');
      expectJsonError(await raw(`/api/auth/csrf?${query}`), 400, 'bad_request');
      expectJsonError(await raw('/api/auth/session', { headers: { cookie: `next-auth.callback-url=${encodeURIComponent(callbackUrl)}` } }), 400, 'bad_request');
      const signOut = await raw('/api/auth/signout', form(query));
      expect(signOut.status, signOut.text.slice(0, 120)).toBeLessThan(500);
    }
    expect((await raw('/api/auth/csrf?callbackUrl=%2Fc%2Fsome-room')).status).toBe(200);
    const reply = await raw('/api/auth/callback/credentials', form('callbackUrl=http%3A%2F%2F%25zz&username=a&password=b&csrfToken=x'));
    expect(reply.status, reply.text.slice(0, 120)).toBeLessThan(500);
  });

  it('other methods get a JSON 405', async () => {
    expectJsonError(await raw('/api/auth/session', { method: 'PUT' }), 405, 'method_not_allowed');
  });

  it('a wrong password keeps the url next-auth\'s client reads, and gains the error envelope', async () => {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = await csrf.json();
    const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
    const reply = await raw('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrfToken, username: 'nobody_here', password: 'not the password', json: 'true' }),
    });
    expect(reply.status).toBe(401);
    expect(new URL(reply.body.url).searchParams.get('error')).toBe('CredentialsSignin');
    expect(reply.body.error).toEqual({ code: 'unauthorized', message: 'CredentialsSignin' });
  });

  it('still signs a browser in, with a callbackUrl of our own', async () => {
    const user = await createUser(server.url, 'autherr');
    expect((await browserSignIn(server.url, user)).sessionCookie).toMatch(/next-auth\.session-token=/);
  });
});
