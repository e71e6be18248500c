import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser, uniqueHandle } from '../helpers/clients';
import { browserSignInError, collect, MAIN_ENV, safetyHelpers, send } from '../helpers/safety-kit';
import { TEST_DATABASE_URL } from '../helpers/services';
import { selfSentinel } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Reports, moderation actions, the audit log and the first admin from RELAY_ADMINS.
let server: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, history, createAdmin, auditFor } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  server = await startAppServer(MAIN_ENV);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('reports and moderation', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createAdmin();
  });

  it('takes a report from a member once, with a reason; others get 404', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(alice, 'reporting', [bob]);
    const bobSocket = await open(bob);
    const before = await send(bobSocket, { roomId, clientMsgId: 'r0', body: 'hello' });
    const rude = await send(bobSocket, { roomId, clientMsgId: 'r1', body: 'something rude' });
    const afterwards = await send(bobSocket, { roomId, clientMsgId: 'r2', body: 'sorry' });

    const report = await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: rude.message.id, reason: ' insulting ' } });
    expect(report.status).toBe(201);
    expect(report.body.report).toEqual({ id: expect.any(String), messageId: rude.message.id, reason: 'insulting', status: 'open', createdAt: expect.any(String) });

    const duplicate = await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: rude.message.id, reason: 'again' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');
    for (const body of [{ messageId: rude.message.id, reason: '' }, { messageId: rude.message.id, reason: '   ' }, { messageId: rude.message.id }, { messageId: rude.message.id, reason: 'x', extra: true }]) {
      expect((await api(server.url, '/api/v1/reports', { token: bob.token, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api(server.url, '/api/v1/reports', { token: carol.token, body: { messageId: rude.message.id, reason: 'nosy' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: 'no-such-message', reason: 'x' } })).status).toBe(404);
    const system = (await history(alice, roomId)).find((m) => m.kind === 'system');
    expect((await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: system.id, reason: 'x' } })).status).toBe(400);

    const queue = await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token });
    expect(queue.status).toBe(200);
    const listed = queue.body.reports.find((r: any) => r.id === report.body.report.id);
    expect(listed).toEqual({
      id: report.body.report.id,
      reason: 'insulting',
      status: 'open',
      createdAt: report.body.report.createdAt,
      reporter: alice.handle,
      message: rude.message,
      room: { id: roomId, kind: 'group', name: 'reporting' },
      context: expect.any(Array),
      history: [],
      senderAccount: { role: 'user', suspendedUntil: null, banned: false },
    });
    expect(queue.body.total).toBeGreaterThanOrEqual(1);
    expect(listed.context.map((m: any) => m.id)).toEqual(expect.arrayContaining([before.message.id, rude.message.id, afterwards.message.id]));
  });

  it('closes reports as resolved or dismissed, once, with an audit entry each', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(alice, 'closing', [bob]);
    const bobSocket = await open(bob);
    const m1 = await send(bobSocket, { roomId, clientMsgId: 'c1', body: 'meh' });
    const m2 = await send(bobSocket, { roomId, clientMsgId: 'c2', body: 'worse' });
    const r1 = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: m1.message.id, reason: 'meh' } })).body.report;
    const r2 = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: m2.message.id, reason: 'worse' } })).body.report;

    // The oldest `limit`, and how many there are in all; each report says how its sender's account is now.
    const all = (await api(server.url, '/api/v1/admin/reports?status=open&limit=500', { token: admin.token })).body;
    expect(all.reports.map((r: any) => r.id)).toEqual(expect.arrayContaining([r1.id, r2.id]));
    expect(all.total).toBe(all.reports.length);
    const first = (await api(server.url, '/api/v1/admin/reports?status=open&limit=1', { token: admin.token })).body;
    expect(first).toEqual({ reports: [all.reports[0]], total: all.total });
    for (const limit of ['0', '501', '1e2', 'x', '']) expect((await api(server.url, `/api/v1/admin/reports?limit=${limit}`, { token: admin.token })).status, limit).toBe(400);
    expect((await api(server.url, '/api/v1/admin/held?limit=0', { token: admin.token })).status).toBe(400);
    expect((await api(server.url, '/api/v1/admin/held?limit=1', { token: admin.token })).body).toEqual({ held: expect.any(Array), total: expect.any(Number) });
    expect((await api(server.url, `/api/v1/admin/users/${bob.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } })).status).toBe(200);
    const suspended = (await api(server.url, '/api/v1/admin/reports?status=open&limit=500', { token: admin.token })).body.reports.find((r: any) => r.id === r1.id);
    expect(suspended.senderAccount).toEqual({ role: 'user', suspendedUntil: expect.any(String), banned: false });
    expect(Date.parse(suspended.senderAccount.suspendedUntil)).toBeGreaterThan(Date.now());

    expect((await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'open' } })).status).toBe(400);
    expect(await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'dismissed', reason: 'harmless' } })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await api(server.url, `/api/v1/admin/reports/${r2.id}`, { method: 'PATCH', token: admin.token, body: { status: 'resolved', reason: 'warned them' } })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api(server.url, `/api/v1/admin/reports/${r1.id}`, { method: 'PATCH', token: admin.token, body: { status: 'resolved' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/admin/reports/no-such-report', { method: 'PATCH', token: admin.token, body: { status: 'resolved' } })).status).toBe(404);

    const ids = async (status: string) => (await api(server.url, `/api/v1/admin/reports?status=${status}`, { token: admin.token })).body.reports.map((r: any) => r.id);
    const stillOpen = await ids('open');
    expect(stillOpen).not.toContain(r1.id);
    expect(stillOpen).not.toContain(r2.id);
    expect(await ids('dismissed')).toContain(r1.id);
    expect(await ids('resolved')).toContain(r2.id);
    expect((await api(server.url, '/api/v1/admin/reports?status=bogus', { token: admin.token })).status).toBe(400);

    // The log names what was acted on in words, not by id alone.
    const target = `@${alice.handle}'s report of a message by @${bob.handle} in the group "closing"`;
    expect(await auditFor(admin, r1.id)).toEqual([expect.objectContaining({ actor: admin.handle, action: 'report.dismiss', targetType: 'report', target, reason: 'harmless' })]);
    expect(await auditFor(admin, r2.id)).toEqual([expect.objectContaining({ actor: admin.handle, action: 'report.resolve', targetType: 'report', reason: 'warned them' })]);
  });

  it('removes a message for everyone, live, resolving its reports', async () => {
    const [alice, bob, carol, outsider] = await Promise.all([
      createUser(server.url, 'alice'),
      createUser(server.url, 'bob'),
      createUser(server.url, 'carol'),
      createUser(server.url, 'outsider'),
    ]);
    const roomId = await createGroup(alice, 'removal', [bob, carol]);
    const [aliceSocket, bobSocket, carolSocket, outsiderSocket] = await Promise.all([open(alice), open(bob), open(carol), open(outsider)]);
    const deletedEvents = [aliceSocket, bobSocket, carolSocket].map((socket) => collect(socket, 'message:deleted'));
    const outsiderEvents = collect(outsiderSocket, 'message:deleted');
    const bad = await send(bobSocket, { roomId, clientMsgId: 'bad', body: 'remove me' });
    const keep = await send(bobSocket, { roomId, clientMsgId: 'keep', body: 'keep me' });
    const report = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: bad.message.id, reason: 'abuse' } })).body.report;

    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: {} })).status).toBe(400);
    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token })).status).toBe(400);
    const removed = await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'abusive' } });
    expect(removed).toMatchObject({ status: 200, body: { ok: true } });

    for (const events of deletedEvents) {
      await waitFor(() => events.length > 0, 5000, 'message:deleted');
      expect(events).toEqual([{ roomId, messageId: bad.message.id }]);
    }
    await selfSentinel(server.url, outsider, outsiderSocket);
    expect(outsiderEvents).toEqual([]);

    const messages = await history(carol, roomId);
    expect(messages.find((m) => m.id === bad.message.id)).toEqual({ ...bad.message, body: '', deleted: true, deletedBy: 'moderator', version: expect.any(Number) });
    expect(messages.find((m) => m.id === keep.message.id)).toEqual(keep.message);
    const sync = await emitAck(carolSocket, 'room:sync', { roomId, afterSeq: 0 });
    expect(sync.messages.find((m: any) => m.id === bad.message.id)).toMatchObject({ deleted: true, body: '' });

    const resolved = await api(server.url, '/api/v1/admin/reports?status=resolved', { token: admin.token });
    expect(resolved.body.reports.map((r: any) => r.id)).toContain(report.id);
    expect((await api(server.url, `/api/v1/admin/messages/${bad.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'again' } })).status).toBe(404);
    expect(await auditFor(admin, bad.message.id)).toEqual([
      expect.objectContaining({
        actor: admin.handle,
        action: 'message.delete',
        targetType: 'message',
        target: `a message by @${bob.handle} in the group "removal"`,
        reason: 'abusive',
        details: { roomId, sender: bob.handle, body: 'remove me' },
      }),
    ]);
    // The evidence is kept for admins only: members see the marker, never the removed text.
    expect(JSON.stringify(await history(alice, roomId))).not.toContain('remove me');
  });

  it('keeps what was reported: earlier texts in the queue and in the audit entry of a removal', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(alice, 'evidence', [bob, carol]);
    const bobSocket = await open(bob);
    const one = await send(bobSocket, { roomId, clientMsgId: 'e1', body: 'ABUSE-ONE you are terrible' });
    const two = await send(bobSocket, { roomId, clientMsgId: 'e2', body: 'ABUSE-TWO threatening text' });
    const r1 = (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: one.message.id, reason: 'insults' } })).body.report;
    const r2 = (await api(server.url, '/api/v1/reports', { token: carol.token, body: { messageId: two.message.id, reason: 'threats' } })).body.report;
    expect(await emitAck(bobSocket, 'message:edit', { messageId: one.message.id, body: 'harmless edited text' })).toMatchObject({ ok: true });
    expect(await emitAck(bobSocket, 'message:delete', { messageId: two.message.id })).toMatchObject({ ok: true });

    const queue = (await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token })).body.reports;
    const listed = (id: string) => queue.find((report: any) => report.id === id);
    expect(listed(r1.id)).toMatchObject({ message: { body: 'harmless edited text', editedAt: expect.any(String) }, history: [{ body: 'ABUSE-ONE you are terrible', replacedAt: expect.any(String) }] });
    expect(listed(r2.id)).toMatchObject({ message: { body: '', deleted: true, deletedBy: 'sender' }, history: [{ body: 'ABUSE-TWO threatening text', replacedAt: expect.any(String) }] });

    // Removing the edited message keeps what was reported in the audit entry, not only the last text.
    expect(await api(server.url, `/api/v1/admin/messages/${one.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'abusive' } })).toMatchObject({ status: 200 });
    expect(await auditFor(admin, one.message.id)).toEqual([
      expect.objectContaining({
        action: 'message.delete',
        details: { roomId, sender: bob.handle, body: 'harmless edited text', history: [{ body: 'ABUSE-ONE you are terrible', replacedAt: listed(r1.id).history[0].replacedAt }] },
      }),
    ]);
  });

  it('refuses to report a message a moderator removed or its sender deleted, as for edits and reactions', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(alice, 'gone', [bob, carol]);
    const bobSocket = await open(bob);
    const removed = await send(bobSocket, { roomId, clientMsgId: 'g1', body: 'removed soon' });
    const withdrawn = await send(bobSocket, { roomId, clientMsgId: 'g2', body: 'deleted soon' });
    await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId: removed.message.id, reason: 'first' } });
    expect(await api(server.url, `/api/v1/admin/messages/${removed.message.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'abusive' } })).toMatchObject({ status: 200 });
    expect(await emitAck(bobSocket, 'message:delete', { messageId: withdrawn.message.id })).toMatchObject({ ok: true });

    for (const message of [removed.message, withdrawn.message]) {
      const again = await api(server.url, '/api/v1/reports', { token: carol.token, body: { messageId: message.id, reason: 'x' } });
      expect(again, message.body).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'No such message.' } } });
    }
    const queue = (await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token })).body.reports;
    expect(queue.filter((report: any) => [removed.message.id, withdrawn.message.id].includes(report.message?.id))).toEqual([]);
  });

  it('suspends and bans: sessions end at once, sockets are cut, sign-in refused until restored', async () => {
    const [eve, friend] = await Promise.all([createUser(server.url, 'eve'), createUser(server.url, 'friend')]);
    const second = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    const eveTokens = [eve.token, second.body.token];
    const eveSockets = await Promise.all(eveTokens.map((token) => open({ token })));
    const friendSocket = await open(friend);
    const cut = eveSockets.map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)));
    const statusOf = async () => (await api(server.url, `/api/v1/admin/users?q=${eve.handle}`, { token: admin.token })).body.users.find((u: any) => u.handle === eve.handle);

    expect((await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 1000 } })).status).toBe(400);
    const suspend = await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } });
    expect(suspend).toMatchObject({ status: 200, body: { ok: true } });
    expect(await Promise.all(cut)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const token of eveTokens) expect((await api(server.url, '/api/v1/rooms', { token })).status).toBe(401);
    const refused = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    await expect(connect(server.url, { token: eve.token })).rejects.toThrow('unauthorized');
    const suspended = await statusOf();
    expect(suspended).toMatchObject({ handle: eve.handle, role: 'user', status: 'suspended' });
    expect(Math.abs(new Date(suspended.suspendedUntil).getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    // The refusal says until when, to the right password only (the sign-in form shows it).
    expect(refused.body.error.suspendedUntil).toBe(suspended.suspendedUntil);
    // Nobody else was affected.
    expect(friendSocket.connected).toBe(true);
    expect((await api(server.url, '/api/v1/rooms', { token: friend.token })).status).toBe(200);

    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/restore`, { token: admin.token, body: { reason: 'served time' } })).toMatchObject({ status: 200 });
    expect((await statusOf()).status).toBe('active');
    const back = await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } });
    expect(back.status).toBe(201);
    // Restoring does not revive the ended sessions.
    for (const token of eveTokens) expect((await api(server.url, '/api/v1/rooms', { token })).status).toBe(401);

    const newSocket = await open({ token: back.body.token });
    const cutAgain = new Promise<string>((resolve) => newSocket.once('disconnect', resolve));
    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/ban`, { token: admin.token, body: { reason: 'repeat offender' } })).toMatchObject({ status: 200 });
    expect(await cutAgain).toBe('io server disconnect');
    expect((await api(server.url, '/api/v1/me', { token: back.body.token })).status).toBe(401);
    expect((await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } })).status).toBe(403);
    expect((await statusOf()).status).toBe('banned');

    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/restore`, { token: admin.token, body: { reason: 'appeal granted' } })).toMatchObject({ status: 200 });
    expect((await api(server.url, '/api/v1/tokens', { body: { username: eve.handle, password: eve.password } })).status).toBe(201);
    // Restoring someone who is neither suspended nor banned is refused, and leaves no entry in the log.
    expect(await api(server.url, `/api/v1/admin/users/${eve.handle}/restore`, { token: admin.token, body: { reason: 'twice' } })).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: `@${eve.handle} is neither suspended nor banned.` } },
    });

    const entries = await auditFor(admin, eve.handle);
    expect(entries.map((entry) => [entry.action, entry.reason])).toEqual([
      ['user.restore', 'appeal granted'],
      ['user.ban', 'repeat offender'],
      ['user.restore', 'served time'],
      ['user.suspend', 'cool off'],
    ]);
    expect(entries.every((entry) => entry.actor === admin.handle && entry.targetType === 'user' && entry.target === `@${eve.handle}`)).toBe(true);
    expect(new Date(entries[3].details.until).getTime()).toBe(new Date(suspended.suspendedUntil).getTime());
  });

  it('a ban resolves the open reports of what the banned user sent, and says how many in its audit entry', async () => {
    const [alice, mallory, bob] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'mallory'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(alice, 'banning', [mallory, bob]);
    const [mallorySocket, bobSocket] = await Promise.all([open(mallory), open(bob)]);
    const worst = await send(mallorySocket, { roomId, clientMsgId: 'b1', body: 'first insult' });
    const worse = await send(mallorySocket, { roomId, clientMsgId: 'b2', body: 'second insult' });
    const other = await send(bobSocket, { roomId, clientMsgId: 'b3', body: 'an unrelated quarrel' });
    const report = async (messageId: string) => (await api(server.url, '/api/v1/reports', { token: alice.token, body: { messageId, reason: 'abuse' } })).body.report.id;
    const [r1, r2, r3] = [await report(worst.message.id), await report(worse.message.id), await report(other.message.id)];

    expect(await api(server.url, `/api/v1/admin/users/${mallory.handle}/ban`, { token: admin.token, body: { reason: 'serial abuse' } })).toMatchObject({ status: 200 });
    const stillOpen = (await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token })).body.reports.map((r: any) => r.id);
    expect(stillOpen).toContain(r3);
    expect(stillOpen).not.toContain(r1);
    expect(stillOpen).not.toContain(r2);
    const [ban] = await auditFor(admin, mallory.handle);
    expect(ban).toMatchObject({ action: 'user.ban', reason: 'serial abuse', details: { reportsResolved: 2 } });

    // Banned already: a second ban or a suspension is refused, and the log keeps the one ban.
    for (const [action, body] of [['ban', { reason: 'again' }], ['suspend', { reason: 'again', durationMs: 3_600_000 }]] as const) {
      const twice = await api(server.url, `/api/v1/admin/users/${mallory.handle}/${action}`, { token: admin.token, body });
      expect(twice.status, action).toBe(409);
      expect(twice.body.error.code).toBe('conflict');
    }
    expect((await auditFor(admin, mallory.handle)).map((entry: any) => entry.action)).toEqual(['user.ban']);
    // A report of theirs made after the ban says so, so the queue offers no ban that would be refused.
    const later = (await api(server.url, '/api/v1/reports', { token: bob.token, body: { messageId: worst.message.id, reason: 'late' } })).body.report.id;
    const queued = (await api(server.url, '/api/v1/admin/reports?status=open', { token: admin.token })).body.reports.find((r: any) => r.id === later);
    expect(queued.senderAccount).toEqual({ role: 'user', suspendedUntil: null, banned: true });
  });

  it('refuses to report a message from someone the reporter blocked; removes a group event, logged as one', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(alice, 'blocked', [bob, carol]);
    expect((await api(server.url, '/api/v1/blocks', { token: bob.token, body: { handle: alice.handle } })).status).toBe(201);
    const hidden = await send(await open(alice), { roomId, clientMsgId: 'h1', body: 'not for bob' });
    const refused = await api(server.url, '/api/v1/reports', { token: bob.token, body: { messageId: hidden.message.id, reason: 'x' } });
    expect(refused).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    // Carol sees it, and may report it.
    expect((await api(server.url, '/api/v1/reports', { token: carol.token, body: { messageId: hidden.message.id, reason: 'x' } })).status).toBe(201);

    // A rename to an abusive name: the event is the moderator's to remove, and the log does not make it Alice's message.
    expect((await api(server.url, `/api/v1/groups/${roomId}`, { method: 'PATCH', token: alice.token, body: { name: 'abusive name' } })).status).toBe(200);
    const renamed = (await history(alice, roomId)).findLast((message: any) => message.kind === 'system');
    expect(renamed.body).toContain('abusive name');
    const removal = await api(server.url, `/api/v1/admin/messages/${renamed.id}`, { method: 'DELETE', token: admin.token, body: { reason: 'abusive' } });
    expect(removal.status).toBe(200);
    expect((await history(alice, roomId)).find((message: any) => message.id === renamed.id)).toMatchObject({ deleted: true, body: '' });
    const [entry] = await auditFor(admin, renamed.id);
    expect(entry).toMatchObject({ action: 'message.delete', target: 'a group event in the group "abusive name"', details: { kind: 'system' } });
  });

  it('tells a browser sign-in why it was refused: a wrong password, a suspension, a ban', async () => {
    const eve = await createUser(server.url, 'eve');
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBeNull();
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');
    expect(await browserSignInError(server.url, 'no_such_user_here', 'whatever pw')).toBe('CredentialsSignin');

    await api(server.url, `/api/v1/admin/users/${eve.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } });
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBe('Suspended');
    // Only the right password learns that: a guess still reads as a wrong password.
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');

    await api(server.url, `/api/v1/admin/users/${eve.handle}/ban`, { token: admin.token, body: { reason: 'repeat' } });
    expect(await browserSignInError(server.url, eve.handle, eve.password)).toBe('Banned');
    expect(await browserSignInError(server.url, eve.handle, 'not the password')).toBe('CredentialsSignin');
  });

  it('refuses to lock out admins, oneself, or unknown users', async () => {
    const other = await createAdmin('admin2');
    expect((await api(server.url, `/api/v1/admin/users/${other.handle}/ban`, { token: admin.token, body: { reason: 'coup' } })).status).toBe(403);
    expect((await api(server.url, `/api/v1/admin/users/${other.handle}/suspend`, { token: admin.token, body: { reason: 'coup', durationMs: 60_000 } })).status).toBe(403);
    expect((await api(server.url, `/api/v1/admin/users/${admin.handle}/ban`, { token: admin.token, body: { reason: 'oops' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/admin/users/no_such_user_here/ban', { token: admin.token, body: { reason: 'x' } })).status).toBe(404);
    expect((await api(server.url, '/api/v1/me', { token: other.token })).status).toBe(200);
  });

  it('a banned account leaves people search and cannot be added to a group or invited to one', async () => {
    const [alice, bob, mallory] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'bob'), createUser(server.url, 'mallory')]);
    // Mallory is Alice's peer (she would be added outright) and a stranger to Bob (he would invite her).
    await createGroup(alice, 'before the ban', [mallory]);
    const found = async () => (await api(server.url, `/api/v1/users?q=${mallory.handle}`, { token: bob.token })).body.users.map((user: { handle: string }) => user.handle);
    expect(await found()).toEqual([mallory.handle]);
    expect(await api(server.url, `/api/v1/admin/users/${mallory.handle}/ban`, { token: admin.token, body: { reason: 'spam ring' } })).toMatchObject({ status: 200 });

    expect(await found()).toEqual([]);
    const refused = { status: 403, body: { error: { code: 'forbidden', message: `You cannot add @${mallory.handle}.` } } };
    for (const owner of [alice, bob]) {
      expect(await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'after the ban', members: [mallory.handle] } })).toMatchObject(refused);
      const group = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'later', members: [] } });
      expect(await api(server.url, `/api/v1/groups/${group.body.room.id}/users`, { token: owner.token, body: { handle: mallory.handle } })).toMatchObject(refused);
    }
  });

  it('searches people and rooms for admins', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice', 'Findable Alice'), createUser(server.url, 'bob')]);
    const name = `room ${Date.now().toString(36)}`;
    const roomId = await createGroup(alice, name, [bob]);
    const users = await api(server.url, `/api/v1/admin/users?q=${alice.handle}`, { token: admin.token });
    expect(users.body.users).toEqual([
      { handle: alice.handle, displayName: 'Findable Alice', avatarUrl: null, role: 'user', status: 'active', suspendedUntil: null, createdAt: expect.any(String) },
    ]);
    const rooms = await api(server.url, `/api/v1/admin/rooms?q=${encodeURIComponent(name.toUpperCase())}`, { token: admin.token });
    expect(rooms.body.rooms).toEqual([expect.objectContaining({ id: roomId, kind: 'group', name, members: expect.arrayContaining([alice.handle, bob.handle]) })]);
    const byMember = await api(server.url, `/api/v1/admin/rooms?q=${bob.handle}`, { token: admin.token });
    expect(byMember.body.rooms.map((room: any) => room.id)).toContain(roomId);
  });

  it('keeps the audit log newest first and read-only, over the API and in the database', async () => {
    const entries = (await api(server.url, '/api/v1/admin/audit', { token: admin.token })).body.entries as any[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'createdAt', 'details', 'id', 'reason', 'target', 'targetId', 'targetType']);
    const times = entries.map((entry) => new Date(entry.createdAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const reply = await api(server.url, '/api/v1/admin/audit', { method, token: admin.token, body: { reason: 'rewrite history' } });
      expect(reply.status, method).toBeGreaterThanOrEqual(400);
      const one = await api(server.url, `/api/v1/admin/audit/${entries[0].id}`, { method, token: admin.token, body: { reason: 'rewrite' } });
      expect(one.status, `${method} one entry`).toBeGreaterThanOrEqual(400);
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await expect(client.query('UPDATE "AuditEntry" SET reason = $1 WHERE id = $2', ['forged', entries[0].id])).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM "AuditEntry" WHERE id = $1', [entries[0].id])).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    const again = (await api(server.url, '/api/v1/admin/audit', { token: admin.token })).body.entries;
    expect(again.find((entry: any) => entry.id === entries[0].id)).toEqual(entries[0]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the first admin from RELAY_ADMINS', () => {
  it('grants existing accounts at start, warns about the rest, and creates a listed handle an admin at sign-up', async () => {
    const boss = await createUser(server.url, 'boss');
    const ghost = uniqueHandle('ghost');
    expect((await api(server.url, '/api/v1/admin/audit', { token: boss.token })).status).toBe(403);
    const node = await startAppServer({ ...MAIN_ENV, RELAY_ADMINS: ` ${boss.handle.toUpperCase()} , ${ghost}` });
    try {
      const warnings = node.output().split('\n').filter((line) => line.includes(ghost));
      expect(warnings.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 40, handles: [ghost], msg: expect.stringMatching(/^RELAY_ADMINS lists handles with no account yet: whoever signs up/) }),
      ]);
      expect(node.output()).not.toContain(boss.handle);
      expect((await api(node.url, '/api/v1/admin/audit', { token: boss.token })).status).toBe(200);

      // The operator signs up under the listed handle: an admin from the first request.
      const signUp = await api(node.url, '/api/v1/users', { body: { username: ghost, password: 'long enough pw' } });
      expect(signUp.status).toBe(201);
      const token = (await api(node.url, '/api/v1/tokens', { body: { username: ghost, password: 'long enough pw' } })).body.token;
      expect((await api(node.url, '/api/v1/admin/audit', { token })).status).toBe(200);
      // Anyone else is a plain user.
      const plain = uniqueHandle('plain');
      expect((await api(node.url, '/api/v1/users', { body: { username: plain, password: 'long enough pw' } })).status).toBe(201);
      const plainToken = (await api(node.url, '/api/v1/tokens', { body: { username: plain, password: 'long enough pw' } })).body.token;
      expect((await api(node.url, '/api/v1/admin/audit', { token: plainToken })).status).toBe(403);
    } finally {
      await node.stop();
    }
  });
});
