import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/realtime/contract';
import type { ChatMessage } from '@/lib/schemas';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type TestUser = { handle: string; password: string; token: string };

export const uniqueHandle = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export async function api(baseUrl: string, path: string, init: { method?: string; token?: string; body?: unknown; cookie?: string } = {}) {
  const response = await fetch(baseUrl + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...(init.cookie && { cookie: init.cookie }),
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: response.status, body: json };
}

/** Signs a new user up and gets an API token for them. */
export async function createUser(baseUrl: string, prefix: string, displayName?: string): Promise<TestUser> {
  const handle = uniqueHandle(prefix);
  const password = 'correct horse battery';
  const signUp = await api(baseUrl, '/api/v1/users', { body: { username: handle, password, displayName } });
  if (signUp.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(signUp.body)}`);
  const tokenReply = await api(baseUrl, '/api/v1/tokens', { body: { username: handle, password } });
  if (tokenReply.status !== 201) throw new Error(`token failed: ${JSON.stringify(tokenReply.body)}`);
  return { handle, password, token: tokenReply.body.token };
}

/**
 * Connects, and gives the reason of the socket's disconnect as `cut`, listened for from the start: a
 * server that cuts the socket as it connects can send both packets in one read, before a listener
 * attached after `connect` resolves would exist.
 */
export async function connectWatched(baseUrl: string, auth: { token?: string; cookie?: string }) {
  let cut!: Promise<string>;
  const socket = await connect(baseUrl, auth, (created) => {
    cut = new Promise<string>((resolve) => created.once('disconnect', resolve));
  });
  return { socket, cut };
}

export function connect(baseUrl: string, auth: { token?: string; cookie?: string }, onCreated?: (socket: TestSocket) => void): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : undefined,
  });
  onCreated?.(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export function emitAck<T = any>(socket: TestSocket, event: string, payload: unknown): Promise<T> {
  return (socket.timeout(10_000) as any).emitWithAck(event, payload);
}

/** Collects every `message:new` a socket receives, for asserting on what arrived. */
export function collectMessages(socket: TestSocket) {
  const received: ChatMessage[] = [];
  socket.on('message:new', ({ message }) => received.push(message));
  return {
    received,
    waitFor: async (count: number, timeoutMs = 10_000) => {
      const start = Date.now();
      while (received.length < count) {
        if (Date.now() - start > timeoutMs) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
  };
}

/** Signs in the way a browser does (next-auth credentials with CSRF) and returns the session cookie. */
export async function browserSignIn(baseUrl: string, user: { handle: string; password: string }, userAgent = 'TestBrowser/1.0') {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { 'user-agent': userAgent } });
  const { csrfToken } = await csrf.json();
  const csrfCookie = csrf.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, 'user-agent': userAgent },
    body: new URLSearchParams({ csrfToken, username: user.handle, password: user.password, json: 'true' }),
  });
  const session = response.headers.getSetCookie().find((cookie) => cookie.includes('next-auth.session-token='));
  return { sessionCookie: session?.split(';')[0] ?? null, csrfCookie, csrfToken };
}
