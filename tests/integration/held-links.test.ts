import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { MAIN_ENV, REFUSE_ENV, safetyHelpers, send } from '../helpers/safety-kit';
import { waitFor } from '../helpers/wait';

// Links held for review by a moderator (a moderator exists on this database).
let server: AppServer;
let refuseServer: AppServer;
const sockets: TestSocket[] = [];
const { open, createGroup, history, roomIds, requestRoomIds, createAdmin, auditFor } = safetyHelpers(() => server, sockets);

beforeAll(async () => {
  [server, refuseServer] = await Promise.all([startAppServer(MAIN_ENV), startAppServer(REFUSE_ENV)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([server?.stop(), refuseServer?.stop()]);
});

describe('links held for review', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createAdmin();
  });

  it('releases nothing from or to an account deleted since it was held', async () => {
    const [sender, recipient, other] = await Promise.all(['heldfrom', 'heldto', 'heldother'].map((prefix) => createUser(server.url, prefix)));
    const senderSocket = await open(sender);
    for (const [to, clientMsgId] of [[recipient, 'to-deleted'], [other, 'from-deleted']] as const) {
      expect(await send(senderSocket, { to: to.handle, clientMsgId, body: `see https://example.com/${clientMsgId}` })).toMatchObject({ ok: false, error: { code: 'held_for_review' } });
    }
    const heldId = async (clientMsgId: string) =>
      ((await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[]).find((item) => item.sender === sender.handle && item.body.endsWith(clientMsgId)).id;
    const release = async (clientMsgId: string) => api(server.url, `/api/v1/admin/held/${await heldId(clientMsgId)}`, { token: admin.token, body: { action: 'release', reason: 'fine' } });
    const deleteAccount = (user: TestUser) => api(server.url, '/api/v1/me', { method: 'DELETE', token: user.token, body: { password: user.password } });

    expect((await deleteAccount(recipient)).status).toBe(200);
    expect(await release('to-deleted')).toMatchObject({ status: 409, body: { error: { message: 'The recipient has deleted their account; discard it instead.' } } });
    expect((await deleteAccount(sender)).status).toBe(200);
    expect(await release('from-deleted')).toMatchObject({ status: 409, body: { error: { message: `@${sender.handle} is banned, suspended or deleted; discard it instead.` } } });
    expect(await roomIds(other)).toEqual([]);
  });

  it('holds a first direct message with a link from a new account, creating nothing, until an admin releases or discards it', async () => {
    const newbie = await createUser(server.url, 'newbie');
    const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(server.url, 'stranger')));
    const newbieSocket = await open(newbie);
    const inboxes = await Promise.all(strangers.map(async (stranger) => collectMessages(await open(stranger))));
    const bodies = ['see https://example.com/deal', 'visit www.example.org now', 'click javascript:alert(1)', 'HTTP://EXAMPLE.COM', 'hi http://example.net'];

    for (const [index, body] of bodies.entries()) {
      const ack = await send(newbieSocket, { to: strangers[index].handle, clientMsgId: `h-${index}`, body });
      expect(ack, body).toMatchObject({ ok: false, error: { code: 'held_for_review', message: expect.any(String) } });
    }
    // Without a scheme or www. it is not a link.
    const plain = await send(newbieSocket, { to: strangers[4].handle, clientMsgId: 'plain', body: 'example dot com' });
    expect(plain.ok).toBe(true);

    // Nothing was stored: no conversation exists for the first four, not even as a request.
    expect(await roomIds(newbie)).toEqual([plain.message.roomId]);
    for (const stranger of strangers.slice(0, 4)) {
      expect(await roomIds(stranger)).toEqual([]);
      expect(await requestRoomIds(stranger)).toEqual([]);
    }
    expect((await history(strangers[4], plain.message.roomId)).map((m) => m.clientMsgId)).toEqual(['plain']);

    // The moderation queue has them, for admins only.
    expect((await api(server.url, '/api/v1/admin/held', { token: newbie.token })).status).toBe(403);
    const queue = await api(server.url, '/api/v1/admin/held', { token: admin.token });
    expect(queue.status).toBe(200);
    const mine = (queue.body.held as any[]).filter((item) => item.sender === newbie.handle);
    expect(mine.map((item) => item.body).sort()).toEqual([...bodies].sort());
    // Each says whom it was for: no conversation exists yet to name.
    expect(Object.fromEntries(mine.map((item) => [item.body, item.to]))).toEqual(Object.fromEntries(bodies.map((body, index) => [body, { kind: 'direct', handle: strangers[index].handle }])));
    for (const item of mine) {
      expect(Object.keys(item).sort()).toEqual(['attachments', 'body', 'createdAt', 'id', 'reason', 'roomId', 'sender', 'to']);
      expect(item.attachments).toEqual([]);
      expect(item.reason).toBe('link from a new account');
    }
    const idOf = (index: number) => mine.find((item) => item.body === bodies[index]).id;

    // Release: the conversation is created with the message (a request for the stranger), pushed live.
    const release = await api(server.url, `/api/v1/admin/held/${idOf(0)}`, { token: admin.token, body: { action: 'release', reason: 'legit' } });
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ ok: true, message: { seq: 1, sender: newbie.handle, clientMsgId: 'h-0', body: bodies[0] } });
    await waitFor(() => inboxes[0].received.some((m) => m.id === release.body.message.id), 5000, 'the stranger gets the released message');
    expect(await requestRoomIds(strangers[0])).toEqual([release.body.message.roomId]);
    expect((await history(strangers[0], release.body.message.roomId)).map((m) => m.id)).toEqual([release.body.message.id]);

    // Discard drops it; a decided item cannot be decided again.
    expect(await api(server.url, `/api/v1/admin/held/${idOf(2)}`, { token: admin.token, body: { action: 'discard', reason: 'xss attempt' } })).toMatchObject({
      status: 200,
      body: { ok: true, message: null },
    });
    for (const id of [idOf(0), idOf(2)]) {
      for (const action of ['release', 'discard']) {
        expect((await api(server.url, `/api/v1/admin/held/${id}`, { token: admin.token, body: { action } })).status).toBe(404);
      }
    }
    expect((await api(server.url, `/api/v1/admin/held/${idOf(1)}`, { token: admin.token, body: { action: 'maybe' } })).status).toBe(400);
    expect((await api(server.url, '/api/v1/admin/held/no-such-held', { token: admin.token, body: { action: 'release' } })).status).toBe(404);
    expect(await roomIds(strangers[2])).toEqual([]);
    expect(inboxes[2].received).toEqual([]);
    const after = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(after.map((item: any) => item.body).sort()).toEqual([bodies[1], bodies[3], bodies[4]].sort());

    // Every decision is in the audit log.
    expect(await auditFor(admin, idOf(0))).toEqual([
      expect.objectContaining({ actor: admin.handle, action: 'held.release', targetType: 'held', target: `a held message from @${newbie.handle} to @${strangers[0].handle}`, reason: 'legit' }),
    ]);
    expect(await auditFor(admin, idOf(2))).toEqual([expect.objectContaining({ actor: admin.handle, action: 'held.discard', targetType: 'held', reason: 'xss attempt' })]);
  });

  it('holds a link sent into an existing conversation, and releasing it appends it there live', async () => {
    const [newbie, bob] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'bob')]);
    const roomId = await createGroup(bob, 'links', [newbie]);
    const newbieSocket = await open(newbie);
    const bobInbox = collectMessages(await open(bob));

    const ack = await send(newbieSocket, { roomId, clientMsgId: 'g-link', body: 'look https://example.com/x' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'held_for_review' } });
    const rest = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: 'g-rest', body: 'www.example.com' } });
    expect(rest.status).toBe(403);
    expect(rest.body.error.code).toBe('held_for_review');
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text')).toEqual([]);

    const queued = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(queued.map((item: any) => [item.roomId, item.body]).sort()).toEqual([[roomId, 'look https://example.com/x'], [roomId, 'www.example.com']].sort());
    for (const item of queued) expect(item.to).toEqual({ kind: 'group', name: 'links' });
    const releasedId = queued.find((item: any) => item.body.startsWith('look')).id;
    const release = await api(server.url, `/api/v1/admin/held/${releasedId}`, { token: admin.token, body: { action: 'release' } });
    expect(release).toMatchObject({ status: 200, body: { ok: true, message: { roomId, sender: newbie.handle, clientMsgId: 'g-link' } } });
    expect((await auditFor(admin, releasedId)).map((entry) => entry.target)).toEqual([`a held message from @${newbie.handle} in the group "links"`]);
    await waitFor(() => bobInbox.received.some((m) => m.id === release.body.message.id), 5000, 'bob gets the released message');
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['look https://example.com/x']);
  });

  it('answers a resent held message held_for_review again, without a second copy in the queue', async () => {
    const [newbie, bob, carol] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'bob'), createUser(server.url, 'carol')]);
    const roomId = await createGroup(bob, 'resends', [newbie]);
    const socket = await open(newbie);
    const otherTab = await open(newbie);
    const inRoom = { roomId, clientMsgId: 'again', body: 'see https://example.com/again' };
    const direct = { to: carol.handle, clientMsgId: 'again-direct', body: 'see https://example.com/direct' };
    const raced = { roomId, clientMsgId: 'raced', body: 'see https://example.com/raced' };
    const replies = [
      await send(socket, inRoom),
      await send(otherTab, inRoom),
      (await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: inRoom.clientMsgId, body: inRoom.body } })).body,
      await send(socket, direct),
      await send(otherTab, direct),
      // Three copies at once, from two tabs and REST: still one in the queue.
      ...(await Promise.all([
        send(socket, raced),
        send(otherTab, raced),
        api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: newbie.token, body: { clientMsgId: raced.clientMsgId, body: raced.body } }).then((reply) => reply.body),
      ])),
    ];
    for (const reply of replies) expect(reply, JSON.stringify(reply)).toMatchObject({ error: { code: 'held_for_review' } });
    const queued = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === newbie.handle);
    expect(queued.map((item: any) => item.body).sort()).toEqual([direct.body, inRoom.body, raced.body].sort());

    // Released once, it is in the room; the same clientMsgId resent then is answered with the stored message.
    const release = await api(server.url, `/api/v1/admin/held/${queued.find((item: any) => item.body === inRoom.body).id}`, { token: admin.token, body: { action: 'release', reason: 'fine' } });
    expect(release.status).toBe(200);
    expect(await send(socket, inRoom)).toEqual({ ok: true, message: release.body.message });
    expect((await history(bob, roomId)).filter((m) => m.kind === 'text').map((m) => m.clientMsgId)).toEqual(['again']);
  });

  it('knows a first direct message held before its conversation existed once it exists: held once, and a discard stays final', async () => {
    const [newbie, carol] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'carol')]);
    const socket = await open(newbie);
    const held = { to: carol.handle, clientMsgId: 'before-the-room', body: 'see https://example.com/before' };
    expect(await send(socket, held)).toMatchObject({ error: { code: 'held_for_review' } });
    // A message without a link starts the conversation (a request); then the outbox asks about the held one again.
    const plain = await send(socket, { to: carol.handle, clientMsgId: 'hello', body: 'hello' });
    expect(plain.ok).toBe(true);
    const inRoom = { roomId: plain.message.roomId, clientMsgId: held.clientMsgId, body: held.body };
    for (const copy of [held, inRoom]) expect(await send(socket, copy), JSON.stringify(copy)).toMatchObject({ error: { code: 'held_for_review' } });
    const copies = async () => ((await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[]).filter((item) => item.sender === newbie.handle);
    const queued = await copies();
    expect(queued.map((item) => item.body)).toEqual([held.body]);

    expect((await api(server.url, `/api/v1/admin/held/${queued[0].id}`, { token: admin.token, body: { action: 'discard', reason: 'spam' } })).status).toBe(200);
    for (const copy of [held, inRoom]) {
      expect(await send(socket, copy), JSON.stringify(copy)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Not sent: a moderator removed this message.' } });
    }
    expect(await copies()).toEqual([]);
  });

  it('keeps a held message held when it is sent again after the request was accepted: a moderator decides it', async () => {
    const [newbie, carol] = await Promise.all([createUser(server.url, 'newbie'), createUser(server.url, 'carol')]);
    const socket = await open(newbie);
    const held = { to: carol.handle, clientMsgId: 'held-then-accepted', body: 'see https://example.com/accepted' };
    expect(await send(socket, held)).toMatchObject({ error: { code: 'held_for_review' } });
    const plain = await send(socket, { to: carol.handle, clientMsgId: 'hello', body: 'hello' });
    expect((await api(server.url, `/api/v1/requests/${plain.message.roomId}/accept`, { token: carol.token, body: {} })).status).toBe(200);
    // Links in an accepted conversation are not held; this one was held before, and stays so.
    expect(await send(socket, held)).toMatchObject({ error: { code: 'held_for_review' } });
    expect((await history(carol, plain.message.roomId)).map((m) => m.clientMsgId)).toEqual(['hello']);
    expect(await send(socket, { ...held, clientMsgId: 'new-link' })).toMatchObject({ ok: true });
  });

  it('releases nothing into a group closed since it was held (everyone else left): 409, left held', async () => {
    const [owner, newbie] = await Promise.all([createUser(server.url, 'owner'), createUser(server.url, 'newbie')]);
    const roomId = await createGroup(owner, 'closing', [newbie]);
    expect(await send(await open(newbie), { roomId, clientMsgId: 'held', body: 'see https://example.com/closing' })).toMatchObject({ error: { code: 'held_for_review' } });
    const heldId = ((await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[]).find((item) => item.sender === newbie.handle).id;
    expect((await api(server.url, `/api/v1/groups/${roomId}/users/${owner.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);

    const release = await api(server.url, `/api/v1/admin/held/${heldId}`, { token: admin.token, body: { action: 'release', reason: 'fine' } });
    expect(release).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'The group is closed (everyone else left); discard it instead.' } } });
    expect((await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.map((item: any) => item.id)).toContain(heldId);
    expect((await history(newbie, roomId)).filter((m) => m.kind === 'text')).toEqual([]);
  });

  it('checks the sender again at release: banned or suspended, gone from the room, or blocked since → 409, left held', async () => {
    const [owner, suspended, leaver, blockedSender, resender, recipient] = await Promise.all(
      ['owner', 'suspended', 'leaver', 'blockee', 'resender', 'rcpt'].map((prefix) => createUser(server.url, prefix)),
    );
    const roomId = await createGroup(owner, 'recheck', [suspended, leaver, resender]);
    const heldBody = (user: TestUser) => `link from ${user.handle} https://example.com/${user.handle}`;
    for (const user of [suspended, leaver, resender]) {
      expect(await send(await open(user), { roomId, clientMsgId: 'held', body: heldBody(user) })).toMatchObject({ error: { code: 'held_for_review' } });
    }
    expect(await send(await open(blockedSender), { to: recipient.handle, clientMsgId: 'held', body: heldBody(blockedSender) })).toMatchObject({
      error: { code: 'held_for_review' },
    });
    const queue = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[];
    const heldIdOf = (user: TestUser) => queue.find((item) => item.sender === user.handle && item.body === heldBody(user)).id as string;
    const release = (user: TestUser) => api(server.url, `/api/v1/admin/held/${heldIdOf(user)}`, { token: admin.token, body: { action: 'release', reason: 'looks fine' } });
    const expectRefused = async (user: TestUser, message: RegExp) => {
      const reply = await release(user);
      expect(reply.status, JSON.stringify(reply.body)).toBe(409);
      expect(reply.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(message) });
      // Nothing happened: still held, nothing audited, nothing in the room.
      const still = (await api(server.url, '/api/v1/admin/held', { token: admin.token })).body.held.map((item: any) => item.id);
      expect(still).toContain(heldIdOf(user));
      expect(await auditFor(admin, heldIdOf(user))).toEqual([]);
    };

    // Suspended since: refused; restored: released.
    expect((await api(server.url, `/api/v1/admin/users/${suspended.handle}/suspend`, { token: admin.token, body: { reason: 'cool off', durationMs: 3_600_000 } })).status).toBe(200);
    await expectRefused(suspended, /suspended/);
    expect((await api(server.url, `/api/v1/admin/users/${suspended.handle}/restore`, { token: admin.token, body: { reason: 'ok' } })).status).toBe(200);
    expect(await release(suspended)).toMatchObject({ status: 200, body: { ok: true, message: { roomId, sender: suspended.handle } } });

    // Removed from the group since.
    expect((await api(server.url, `/api/v1/groups/${roomId}/users/${leaver.handle}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
    await expectRefused(leaver, /no longer in/);

    // Blocked by the recipient since: refused; unblocked: released, as the first message of a request.
    expect((await api(server.url, '/api/v1/blocks', { token: recipient.token, body: { handle: blockedSender.handle } })).status).toBe(201);
    await expectRefused(blockedSender, /blocked/);
    expect((await api(server.url, `/api/v1/blocks/${blockedSender.handle}`, { method: 'DELETE', token: recipient.token })).status).toBe(200);
    const released = await release(blockedSender);
    expect(released).toMatchObject({ status: 200, body: { ok: true, message: { sender: blockedSender.handle, seq: 1 } } });
    expect(await requestRoomIds(recipient)).toEqual([released.body.message.roomId]);

    // Resent without the link under the same clientMsgId and stored: releasing the held copy is a 409, not a 500.
    expect(await send(await open(resender), { roomId, clientMsgId: 'held', body: 'never mind the link' })).toMatchObject({ ok: true });
    await expectRefused(resender, /already in the conversation/);
    expect((await api(server.url, `/api/v1/admin/held/${heldIdOf(resender)}`, { token: admin.token, body: { action: 'discard', reason: 'duplicate' } })).status).toBe(200);
    const texts = (await history(owner, roomId)).filter((m) => m.kind === 'text');
    expect(texts.map((m) => [m.sender, m.body])).toEqual([
      [suspended.handle, heldBody(suspended)],
      [resender.handle, 'never mind the link'],
    ]);
  });

  it('keeps a held message\'s reply and files: not swept while held, shown to the moderator, sent with it on release', async () => {
    // Its own node with a short unsent-file TTL, so a sweep runs during the test.
    const sweeping = await startAppServer({ ...MAIN_ENV, ATTACHMENT_UNSENT_TTL_MS: '1500' });
    try {
      const [newbie, friend] = await Promise.all([createUser(sweeping.url, 'newbie'), createUser(sweeping.url, 'friend')]);
      const roomId = await createGroup(newbie, 'holiday', [friend], sweeping);
      const socket = await open(newbie, sweeping);
      const first = await send(socket, { roomId, clientMsgId: 'first', body: 'photos coming' });
      expect(first.ok).toBe(true);
      const upload = async (name: string) => {
        const form = new FormData();
        form.append('file', new Blob([`notes for ${name}\n`], { type: 'text/plain' }), name);
        const response = await fetch(`${sweeping.url}/api/v1/rooms/${roomId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${newbie.token}` }, body: form });
        expect(response.status).toBe(201);
        return (await response.json()).attachment.id as string;
      };
      const fetchFile = (user: TestUser, id: string) => fetch(`${sweeping.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
      const [heldFile, forgotten] = [await upload('trip.txt'), await upload('forgotten.txt')];
      const held = await send(socket, { roomId, clientMsgId: 'with-file', body: 'album at https://example.com/album', replyToId: first.message.id, attachmentIds: [heldFile] });
      expect(held).toMatchObject({ ok: false, error: { code: 'held_for_review' } });

      // The sweep takes the forgotten file (uploaded at the same time) and leaves the held one.
      await waitFor(async () => (await fetchFile(newbie, forgotten)).status === 404, 20_000, 'the unsent file to be swept');
      expect((await fetchFile(newbie, heldFile)).status).toBe(200);

      // The queue names the file release would deliver, and the moderator (no member) may open it to decide.
      const queue = await api(sweeping.url, '/api/v1/admin/held', { token: admin.token });
      const item = (queue.body.held as any[]).find((entry) => entry.sender === newbie.handle);
      expect(item.attachments).toEqual([{ id: heldFile, name: 'trip.txt', size: 'notes for trip.txt\n'.length, contentType: 'text/plain' }]);
      expect((await fetchFile(admin, heldFile)).status).toBe(200);
      expect((await fetchFile(friend, heldFile)).status).toBe(404);
      const release = await api(sweeping.url, `/api/v1/admin/held/${item.id}`, { token: admin.token, body: { action: 'release', reason: 'fine' } });
      expect(release.status).toBe(200);
      expect(release.body.message).toMatchObject({
        clientMsgId: 'with-file',
        replyTo: { id: first.message.id, excerpt: 'photos coming', deleted: false },
        attachments: [{ id: heldFile, name: 'trip.txt' }],
      });
      expect((await fetchFile(friend, heldFile)).status).toBe(200);
      // Decided, it is the conversation's again: no longer the moderator's to open.
      expect((await fetchFile(admin, heldFile)).status).toBe(404);
      // Reported, it is under review again while the report is open; a file of a message nobody reported never is.
      const other = await upload('other.txt');
      expect((await send(socket, { roomId, clientMsgId: 'other', body: 'and this', attachmentIds: [other] })).ok).toBe(true);
      const report = await api(sweeping.url, '/api/v1/reports', { token: friend.token, body: { messageId: release.body.message.id, reason: 'not my kind of trip' } });
      expect(report.status).toBe(201);
      expect((await fetchFile(admin, heldFile)).status).toBe(200);
      expect((await fetchFile(admin, other)).status).toBe(404);
      expect((await api(sweeping.url, `/api/v1/admin/reports/${report.body.report.id}`, { method: 'PATCH', token: admin.token, body: { status: 'dismissed' } })).status).toBe(200);
      expect((await fetchFile(admin, heldFile)).status).toBe(404);

      // Its file sent meanwhile in a message of its own (the link left out): release is a 409, left held.
      const again = await upload('again.txt');
      expect(await send(socket, { roomId, clientMsgId: 'held-again', body: 'see https://example.com/again', attachmentIds: [again] })).toMatchObject({ ok: false, error: { code: 'held_for_review' } });
      expect((await send(socket, { roomId, clientMsgId: 'without-link', body: 'the file then', attachmentIds: [again] })).ok).toBe(true);
      const heldAgain = ((await api(sweeping.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[]).find((entry) => entry.sender === newbie.handle);
      const refused = await api(sweeping.url, `/api/v1/admin/held/${heldAgain.id}`, { token: admin.token, body: { action: 'release' } });
      expect(refused).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: expect.stringMatching(/files/) } } });
      const stillHeld = ((await api(sweeping.url, '/api/v1/admin/held', { token: admin.token })).body.held as any[]).map((entry) => entry.id);
      expect(stillHeld).toContain(heldAgain.id);
    } finally {
      await sweeping.stop();
    }
  });

  it('holds links beyond SPAM_MAX_LINKS_PER_HOUR even from an old enough account', async () => {
    const linker = await createUser(refuseServer.url, 'linker');
    const recipients = await Promise.all([0, 1, 2, 3].map(() => createUser(refuseServer.url, 'rcpt')));
    const socket = await open(linker, refuseServer);
    const acks = [];
    for (const [index, recipient] of recipients.entries()) {
      acks.push(await send(socket, { to: recipient.handle, clientMsgId: `l${index}`, body: `https://example.com/${index}` }));
    }
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, false, false]);
    expect(acks[2].error.code).toBe('held_for_review');
    const admin = await createAdmin();
    const queued = (await api(refuseServer.url, '/api/v1/admin/held', { token: admin.token })).body.held.filter((item: any) => item.sender === linker.handle);
    expect(queued.map((item: any) => item.reason)).toEqual(['too many links', 'too many links']);
    // Nor can the links a send would hold be added to a request by editing it.
    const plain = await send(socket, { to: recipients[0].handle, clientMsgId: 'plain', body: 'just words' });
    expect(plain.ok).toBe(true);
    expect(await emitAck(socket, 'message:edit', { messageId: plain.message.id, body: 'just words https://example.com/more' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'Too many links this hour: links cannot be added by editing now.' },
    });
  });
});
