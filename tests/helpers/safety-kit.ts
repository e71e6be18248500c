import path from 'node:path';
import { expect } from 'vitest';
import { grantAdmin } from './admin-cli';
import type { AppServer } from './app-server';
import { api, connect, emitAck, type TestSocket, type TestUser, createUser } from './clients';
import { createGroupAccepted } from './social';

// The safety suites (authorization, requests, blocking, content, held links, moderation, handles)
// run real server processes on real Postgres and Redis. The main node keeps the link rule for new
// accounts (1 h) and masks banned words; the second refuses them and allows two links an hour.
export const root = path.resolve(import.meta.dirname, '../..');
export const MAIN_ENV = { SPAM_LINK_MIN_ACCOUNT_AGE_MS: String(60 * 60 * 1000), BANNED_WORDS: 'frack, gorram', PRESENCE_GRACE_MS: '200' };
export const REFUSE_ENV = { BANNED_WORDS: 'frack', BANNED_WORDS_MODE: 'refuse', SPAM_MAX_LINKS_PER_HOUR: '2' };

export { collect } from './social';

/** A browser sign-in (next-auth credentials, as the sign-in form posts it): the `error` it is answered with, or null. */
export async function browserSignInError(baseUrl: string, username: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken, username, password, json: 'true' }),
  });
  const { url } = await response.json();
  return new URL(url).searchParams.get('error');
}

export const send = (socket: TestSocket, payload: unknown) => emitAck(socket, 'message:send', payload);

/** Helpers bound to a file's main server (read when called) and its list of sockets to close. */
export function safetyHelpers(main: () => AppServer, sockets: TestSocket[]) {
  async function open(user: { token: string }, node: AppServer = main()) {
    const socket = await connect(node.url, { token: user.token });
    sockets.push(socket);
    return socket;
  }
  // Strangers join by accepting their invites (issue 12), so every listed member ends up in the group.
  const createGroup = (owner: TestUser, name: string, members: TestUser[], node: AppServer = main()) => createGroupAccepted(node.url, owner, name, members);
  async function history(user: TestUser, roomId: string, node: AppServer = main()) {
    const reply = await api(node.url, `/api/v1/rooms/${roomId}/messages?limit=200`, { token: user.token });
    if (reply.status !== 200) throw new Error(`history failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.messages as any[];
  }
  const roomIds = async (user: TestUser) => (await api(main().url, '/api/v1/rooms', { token: user.token })).body.rooms.map((room: any) => room.id);
  const requestRoomIds = async (user: TestUser) => (await api(main().url, '/api/v1/requests', { token: user.token })).body.requests.map((r: any) => r.roomId);
  async function createAdmin(prefix = 'admin') {
    const admin = await createUser(main().url, prefix);
    await grantAdmin(admin.handle);
    return admin;
  }
  async function auditFor(admin: TestUser, targetId: string) {
    const reply = await api(main().url, '/api/v1/admin/audit', { token: admin.token });
    expect(reply.status).toBe(200);
    return (reply.body.entries as any[]).filter((entry) => entry.targetId === targetId);
  }
  return { open, createGroup, history, roomIds, requestRoomIds, createAdmin, auditFor };
}
