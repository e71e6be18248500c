import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, browserSignIn, connect, createUser, type TestSocket } from '../helpers/clients';

// Other pages on the same host (localhost during development) can plant any cookie on us.
const JUNK_COOKIE = 'x=%E0%A4';
let node: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  node = await startAppServer();
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

/** Connects, failing the test if the handshake neither succeeds nor fails within a few seconds. */
async function connectPromptly(auth: { token?: string; cookie?: string }) {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the handshake hung')), 5_000);
  });
  try {
    const socket = await Promise.race([connect(node.url, auth), hung]);
    sockets.push(socket);
    return socket;
  } finally {
    clearTimeout(timer);
  }
}

describe('credentials next to cookies we do not own', () => {
  it('answers 401, not 500, to a request carrying only a malformed unrelated cookie', async () => {
    const reply = await api(node.url, '/api/v1/rooms', { cookie: JUNK_COOKIE });
    expect(reply).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String) } } });
    const malformedSession = await api(node.url, '/api/v1/rooms', { cookie: 'next-auth.session-token=%E0%A4' });
    expect(malformedSession.status).toBe(401);
  });

  it('refuses such a socket handshake promptly with unauthorized', async () => {
    await expect(connectPromptly({ cookie: JUNK_COOKIE })).rejects.toThrow('unauthorized');
    await expect(connectPromptly({ cookie: 'next-auth.session-token=%E0%A4' })).rejects.toThrow('unauthorized');
    // The server is still healthy afterwards.
    expect((await api(node.url, '/api/v1/rooms', { cookie: JUNK_COOKIE })).status).toBe(401);
  });

  it('keeps a signed-in browser working with a junk cookie next to its session cookie', async () => {
    const user = await createUser(node.url, 'cookie');
    const { sessionCookie } = await browserSignIn(node.url, user);
    expect(sessionCookie).toBeTruthy();
    const cookie = `${JUNK_COOKIE}; ${sessionCookie}; y=%zz`;

    const rooms = await api(node.url, '/api/v1/rooms', { cookie });
    expect(rooms).toEqual({ status: 200, body: { rooms: [] } });
    const socket = await connectPromptly({ cookie });
    expect(socket.connected).toBe(true);
    const statuses = await (socket.timeout(5_000) as any).emitWithAck('presence:query', { handles: [user.handle] });
    expect(statuses).toEqual({ ok: true, statuses: [{ handle: user.handle, status: 'online', lastSeenAt: null }] });

    const page = await fetch(`${node.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(200);
    const anonymousPage = await fetch(`${node.url}/`, { headers: { cookie: JUNK_COOKIE }, redirect: 'manual' });
    expect(anonymousPage.status).toBe(307);
    expect(anonymousPage.headers.get('location')).toMatch(/\/signin$/);
    // Another page names itself to come back to after signing in, from the request's own path: a header
    // of that name sent by the client is replaced.
    const anonymousSettings = await fetch(`${node.url}/settings`, { headers: { cookie: JUNK_COOKIE, 'x-relay-page-path': '//evil.example' }, redirect: 'manual' });
    expect(anonymousSettings.status).toBe(307);
    expect(anonymousSettings.headers.get('location')).toMatch(/\/signin\?callbackUrl=%2Fsettings$/);
  });
});

describe('a browser session, through next-auth and its pages', () => {
  it('ended from another device reads as signed out at /api/auth/session, which clears its cookie rather than renewing it', async () => {
    const user = await createUser(node.url, 'nextauth_end', 'Victim');
    const { sessionCookie } = await browserSignIn(node.url, user);
    const live = await fetch(`${node.url}/api/auth/session`, { headers: { cookie: sessionCookie! } });
    expect((await live.json()).user).toMatchObject({ name: 'Victim', handle: user.handle });

    const { body } = await api(node.url, '/api/v1/sessions', { token: user.token });
    const browser = body.sessions.find((session: { kind: string }) => session.kind === 'browser');
    expect((await api(node.url, `/api/v1/sessions/${browser.id}`, { method: 'DELETE', token: user.token })).status).toBe(200);
    const ended = await fetch(`${node.url}/api/auth/session`, { headers: { cookie: sessionCookie! } });
    expect(await ended.json()).toEqual({});
    const cookie = ended.headers.getSetCookie().find((set) => set.startsWith('next-auth.session-token='));
    expect(cookie).toMatch(/^next-auth\.session-token=;.*Max-Age=0/);
  });

  it('signed in and sent to the sign-in page with a return path beyond ASCII goes there, percent-encoded (not a 500)', async () => {
    const user = await createUser(node.url, 'return_utf');
    const { sessionCookie } = await browserSignIn(node.url, user);
    for (const page of ['/signin', '/signup']) {
      const reply = await fetch(`${node.url}${page}?callbackUrl=${encodeURIComponent('/c/€é')}`, { headers: { cookie: sessionCookie! }, redirect: 'manual' });
      expect(reply.status, page).toBe(307);
      expect(new URL(reply.headers.get('location')!, node.url).pathname, page).toBe('/c/%E2%82%AC%C3%A9');
    }
  });
});
