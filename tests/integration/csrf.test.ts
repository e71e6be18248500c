import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { browserSignIn, connect, createUser, type TestSocket, type TestUser } from '../helpers/clients';

// Cross-site requests: a page on another origin (another port or subdomain of the same site, which
// SameSite=Lax does not stop) must not write as the signed-in user nor open their socket.
let node: AppServer;
let user: TestUser;
let cookie: string;
const sockets: TestSocket[] = [];
const EVIL = 'http://evil.localhost:4444';

beforeAll(async () => {
  node = await startAppServer();
  user = await createUser(node.url, 'csrf');
  const signIn = await browserSignIn(node.url, user);
  cookie = signIn.sessionCookie!;
  expect(cookie).toBeTruthy();
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await node?.stop();
});

function patchName(headers: Record<string, string>, body = JSON.stringify({ displayName: 'Renamed' })) {
  return fetch(`${node.url}/api/v1/me`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('cookie-authenticated writes from another origin', () => {
  it('refuses a write whose Origin is not the app', async () => {
    const reply = await patchName({ cookie, origin: EVIL });
    expect(reply.status).toBe(403);
    expect((await reply.json()).error).toMatchObject({ code: 'forbidden' });
  });

  it('refuses a write the browser marks cross-site or same-site', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const reply = await patchName({ cookie, 'sec-fetch-site': site });
      expect(reply.status).toBe(403);
    }
  });

  it('accepts the same write from the app itself, and from a bearer-token client whatever its Origin', async () => {
    expect((await patchName({ cookie, origin: node.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await patchName({ cookie })).status).toBe(200);
    expect((await patchName({ authorization: `Bearer ${user.token}`, origin: EVIL })).status).toBe(200);
  });

  it('still lets a cross-origin page read nothing new: GET stays as it was', async () => {
    const reply = await fetch(`${node.url}/api/v1/me`, { headers: { cookie, origin: EVIL } });
    expect(reply.status).toBe(200);
  });
});

describe('JSON endpoints take JSON only', () => {
  it('answers 415 unsupported_media_type to a form or text body, before acting', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await fetch(`${node.url}/api/v1/me`, {
        method: 'PATCH',
        headers: { 'content-type': type, authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ displayName: 'Text plain' }),
      });
      expect(reply.status).toBe(415);
      expect((await reply.json()).error).toMatchObject({ code: 'unsupported_media_type', message: expect.any(String) });
    }
    const me = await (await fetch(`${node.url}/api/v1/me`, { headers: { authorization: `Bearer ${user.token}` } })).json();
    expect(me.user.displayName).not.toBe('Text plain');
  });

  it('refuses a text/plain sign-up, the one body a cross-site form can send without a preflight', async () => {
    const reply = await fetch(`${node.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'csrf_text_plain', password: 'correct horse battery' }),
    });
    expect(reply.status).toBe(415);
  });
});

describe('the Socket.io handshake', () => {
  const open = async () => {
    const socket = await connect(node.url, { cookie });
    sockets.push(socket);
    return socket;
  };
  const openWith = (extraHeaders: Record<string, string>) =>
    import('socket.io-client').then(
      ({ io }) =>
        new Promise<string>((resolve) => {
          const socket = io(node.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders });
          socket.once('connect', () => {
            sockets.push(socket as never);
            resolve('connected');
          });
          socket.once('connect_error', (error) => {
            socket.close();
            resolve(`refused: ${error.message}`);
          });
        }),
    );

  it('refuses a handshake from another origin, with a cookie or a token', async () => {
    expect(await openWith({ cookie, origin: EVIL })).toMatch(/^refused/);
    for (const transport of [['polling'], ['websocket']]) {
      const { io } = await import('socket.io-client');
      const outcome = await new Promise<string>((resolve) => {
        const socket = io(node.url, { transports: transport as never, reconnection: false, forceNew: true, auth: { token: user.token }, extraHeaders: { origin: EVIL } });
        socket.once('connect', () => {
          sockets.push(socket as never);
          resolve('connected');
        });
        socket.once('connect_error', () => {
          socket.close();
          resolve('refused');
        });
      });
      expect(outcome).toBe('refused');
    }
  });

  it('accepts a handshake from the app itself, and one with no Origin (a non-browser client)', async () => {
    expect(await openWith({ cookie, origin: node.url })).toBe('connected');
    expect((await open()).connected).toBe(true);
  });
});

describe('security headers', () => {
  it('sends a Content-Security-Policy that forbids framing, nosniff and a Referrer-Policy on pages and the API', async () => {
    for (const path of ['/signin', '/api/v1/me']) {
      const reply = await fetch(node.url + path);
      const csp = reply.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toContain("object-src 'none'");
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
  });
});
