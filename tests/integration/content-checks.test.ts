import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, createUser, emitAck, type TestSocket } from '../helpers/clients';
import { MAIN_ENV, REFUSE_ENV, safetyHelpers, send } from '../helpers/safety-kit';

// Content checks on bodies: control characters, bidi overrides, banned words (mask and refuse).
let server: AppServer;
let refuseServer: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, history, requestRoomIds } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  [server, refuseServer] = await Promise.all([startAppServer(MAIN_ENV), startAppServer(REFUSE_ENV)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([server?.stop(), refuseServer?.stop()]);
});

describe('content checks', () => {
  it('refuses control characters and bidi overrides on both transports, storing nothing', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const socket = await open(alice);
    const roomId = await createGroup(alice, 'content', [bob]);
    const bad = ['ring \u0007 bell', 'abc\u202Edef', 'nul\u0000here', '\u2066isolate\u2069', 'esc\u001b[31m', 'del\u007f', 'vt\u000bff\u000c'];
    for (const [index, body] of bad.entries()) {
      const ack = await send(socket, { roomId, clientMsgId: `bad-${index}`, body });
      expect(ack, JSON.stringify(body)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/control/) } });
      const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: `rbad-${index}`, body } });
      expect(rest.status, JSON.stringify(body)).toBe(400);
    }
    const direct = await send(socket, { to: bob.handle, clientMsgId: 'bad-direct', body: 'x\u202Ey' });
    expect(direct.error.code).toBe('bad_request');

    // Tab and newlines are fine; bodies are NFC-normalised.
    const fine = await send(socket, { roomId, clientMsgId: 'fine', body: 'line one\n\tline two\r\n' });
    expect(fine.message.body).toBe('line one\n\tline two\r\n');
    const composed = await send(socket, { roomId, clientMsgId: 'nfc', body: 'cafe\u0301' });
    expect(composed.message.body).toBe('caf\u00e9');

    // The length limit holds for what is stored: NFC turns U+FB2C into three characters, U+0958 into two.
    const lengthens = '\uFB2C'.repeat(4000);
    expect(await send(socket, { roomId, clientMsgId: 'long', body: lengthens })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/4000/) } });
    const longRest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'rlong', body: lengthens } });
    expect(longRest).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const edited = await emitAck(socket, 'message:edit', { messageId: fine.message.id, body: '\u0958'.repeat(4000) });
    expect(edited).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/4000/) } });

    const texts = (await history(bob, roomId)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => m.clientMsgId)).toEqual(['fine', 'nfc']);
    expect(texts[0].body).toBe('line one\n\tline two\r\n');
    expect(texts[1].body).toBe('caf\u00e9');
    expect(await requestRoomIds(bob)).toEqual([]);
  });

  it('masks banned words with asterisks (BANNED_WORDS_MODE=mask), stored and delivered alike', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(alice, 'mask', [bob]);
    const bobInbox = collectMessages(await open(bob));
    const ack = await send(await open(alice), { roomId, clientMsgId: 'w1', body: 'you FRACK-head, gorram it, frackle stays' });
    expect(ack.ok).toBe(true);
    expect(ack.message.body).toBe('you *****-head, ****** it, frackle stays');
    const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: bob.token, body: { clientMsgId: 'w2', body: 'frack' } });
    expect(rest.status).toBe(201);
    expect(rest.body.message.body).toBe('*****');
    await bobInbox.waitFor(2);
    expect(bobInbox.received.find((m) => m.id === ack.message.id)?.body).toBe(ack.message.body);
    const stored = (await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.body);
    expect(stored).toEqual(['you *****-head, ****** it, frackle stays', '*****']);
    expect(stored.join(' ')).not.toMatch(/frack\b|gorram/i);
  });

  it('refuses banned words with bad_request when BANNED_WORDS_MODE=refuse', async () => {
    const [alice, bob] = await Promise.all([createUser(refuseServer.url, 'alice'), createUser(refuseServer.url, 'bob')]);
    const roomId = await createGroup(alice, 'refuse', [bob], refuseServer);
    const socket = await open(alice, refuseServer);
    for (const body of ['what the frack', 'FRACK', 'frack!']) {
      const ack = await send(socket, { roomId, clientMsgId: `no-${body}`, body });
      expect(ack, body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const rest = await api(refuseServer.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token, body: { clientMsgId: 'rest', body: 'oh frack' } });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('bad_request');
    expect((await send(socket, { roomId, clientMsgId: 'ok', body: 'frackle is fine' })).message.body).toBe('frackle is fine');
    const texts = (await history(bob, roomId, refuseServer)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => m.clientMsgId)).toEqual(['ok']);
  });
});
