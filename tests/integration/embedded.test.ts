import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck } from '../helpers/clients';
import { waitFor } from '../helpers/wait';

// The zero-setup path: no DATABASE_URL, no REDIS_URL; data kept in DATA_DIR. The built app runs in
// production mode, which refuses to start without NEXTAUTH_SECRET (the helper passes the test one);
// the secret generated into DATA_DIR for `npm run dev` is covered by tests/unit/env.test.ts.
const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-embedded-'));
const embeddedEnv = { DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir };
let server: AppServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded defaults (PGlite + in-memory Socket.io)', () => {
  it('chats live, and keeps users, sessions and history across a restart', async () => {
    server = await startAppServer(embeddedEnv);
    expect(server.output()).toMatch(/"database":"pglite","realtime":"in-memory"/);
    const alice = await createUser(server.url, 'alice');
    const bob = await createUser(server.url, 'bob');
    const bobSocket = await connect(server.url, { token: bob.token });
    const inbox = collectMessages(bobSocket);
    const aliceSocket = await connect(server.url, { token: alice.token });
    const ack = await emitAck(aliceSocket, 'message:send', { to: bob.handle, clientMsgId: 'e-1', body: 'stored on disk' });
    expect(ack.ok).toBe(true);
    expect((await inbox.waitFor(1))[0].body).toBe('stored on disk');
    // Into the conversation by id: the group-commit path, on PGlite's driver too; a retry stores nothing.
    const roomId = ack.message.roomId;
    const sends = await Promise.all(['e-2', 'e-3', 'e-2'].map((clientMsgId) => emitAck(aliceSocket, 'message:send', { roomId, clientMsgId, body: `by id ${clientMsgId}` })));
    expect(sends.map((reply) => [reply.ok, reply.message.seq])).toEqual([[true, 2], [true, 3], [true, 2]]);
    // The retry of e-2 is answered from storage and pushed again (a first push may have been lost);
    // receivers keep messages by id, so each seq counts once.
    await waitFor(() => new Set(inbox.received.map((message) => message.seq)).size === 3, 10_000, 'bob holds seqs 1-3');
    expect([...new Set(inbox.received.map((message) => message.seq))].sort()).toEqual([1, 2, 3]);
    aliceSocket.close();
    bobSocket.close();
    await server.stop();

    server = await startAppServer(embeddedEnv);
    // Sessions live in the database in the data dir, so the old token still works.
    const history = await api(server.url, `/api/v1/rooms/${ack.message.roomId}/messages`, { token: bob.token });
    expect(history.status).toBe(200);
    expect(history.body.messages.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3]);
    expect(history.body.messages[0]).toEqual(ack.message);
    const signIn = await api(server.url, '/api/v1/tokens', { body: { username: alice.handle, password: alice.password } });
    expect(signIn.status).toBe(201);
  });

  it('lets one process own the data directory, and takes it over from one that was killed', async () => {
    await server?.stop();
    server = await startAppServer(embeddedEnv);
    // A second server (or the admin CLI) on the same files would corrupt them: it is refused.
    await expect(startAppServer(embeddedEnv)).rejects.toThrow(/in use by process \d+/);
    expect((await api(server.url, '/api/v1/tokens', { body: { username: 'nobody', password: 'whatever!' } })).status).toBe(401);

    // A crash leaves the claim behind; the next start sees its owner is gone and carries on.
    await server.stop('SIGKILL');
    server = await startAppServer(embeddedEnv);
    const carol = await createUser(server.url, 'carol');
    expect(carol.token).toBeTruthy();
  });
});
