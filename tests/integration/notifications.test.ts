import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { type PushService, startPushService } from '../helpers/push-service';
import { TEST_DATABASE_URL } from '../helpers/services';
import { createGroupAccepted } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Web Push end to end: the real server (Postgres, Redis, BullMQ) pushes to a local stand-in for the
// push service, which decrypts each push with the key pair the "browser" (this test) made.
const DELAY_MS = 300;
let server: AppServer;
let push: PushService;
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
const sockets: TestSocket[] = [];

beforeAll(async () => {
  push = await startPushService();
  server = await startAppServer({ NOTIFY_DELAY_MS: String(DELAY_MS), PUSH_INSECURE_ENDPOINTS: '1' });
  await db.connect();
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
  await push?.close();
  await db.end();
});

let devices = 0;
// Exactly this run's device: the database may hold other runs' subscriptions with the same device names.
const endpointOf = (device: string) => `${push.url}/push/${encodeURIComponent(device)}`;
/** A user who is away (no socket) with one subscribed browser. */
async function awayUser(prefix: string, displayName?: string) {
  const user = await createUser(server.url, prefix, displayName);
  const device = `${prefix}-${++devices}`;
  const subscribed = await api(server.url, '/api/v1/push/subscriptions', { token: user.token, body: push.device(device) });
  expect(subscribed.status).toBe(201);
  return { ...user, device };
}

async function online(user: TestUser) {
  const socket = await connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function send(socket: TestSocket, target: { to: string } | { roomId: string }, body: string) {
  const reply = await emitAck(socket, 'message:send', { ...target, clientMsgId: `c-${Math.random()}`, body });
  expect(reply.ok).toBe(true);
  return reply.message as { roomId: string; seq: number };
}

/** A conversation bob started with alice (so alice's messages are no request): alice's socket and the room. */
async function talking(alice: TestUser, bob: TestUser) {
  const bobSocket = await connect(server.url, { token: bob.token });
  const { roomId } = await send(bobSocket, { to: alice.handle }, 'hi alice');
  bobSocket.close();
  return { socket: await online(alice), roomId };
}

/**
 * Proves that nothing reached the device for `roomId`: a stranger's direct message (which does push,
 * after the same delay) is sent now, and once its push is in, nothing else may have come.
 */
async function expectOnlySentinel(recipient: { handle: string; device: string }, before: number, requestsBefore = before) {
  const stranger = await createUser(server.url, 'sentinel');
  const message = await send(await online(stranger), { to: recipient.handle }, 'sentinel');
  const pushes = await push.waitForDelivered(recipient.device, before + 1);
  expect(pushes.slice(before).map((received) => received.payload.roomId)).toEqual([message.roomId]);
  expect(push.received.filter((received) => received.device === recipient.device)).toHaveLength(requestsBefore + 1);
}

describe('push notifications', () => {
  it('hands out the VAPID public key and refuses bad subscriptions', async () => {
    const user = await createUser(server.url, 'keys');
    const key = await api(server.url, '/api/v1/push/key', { token: user.token });
    expect(key).toEqual({ status: 200, body: { publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{80,}$/) } });
    const bad = await api(server.url, '/api/v1/push/subscriptions', { token: user.token, body: { endpoint: 'not a url', keys: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    // Of the right form, but no point on the curve: nothing could be encrypted to it.
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 4)]).toString('base64url');
    const device = push.device(`offcurve-${++devices}`);
    const notAKey = await api(server.url, '/api/v1/push/subscriptions', { token: user.token, body: { ...device, keys: { ...device.keys, p256dh: offCurve } } });
    expect(notAKey.status).toBe(400);
    expect(notAKey.body.error.message).toMatch(/P-256/);
    expect((await api(server.url, '/api/v1/push/subscriptions', { token: user.token, body: device })).status).toBe(201);
    const missing = await api(server.url, '/api/v1/push/subscriptions', { method: 'DELETE', token: user.token, body: { endpoint: `${push.url}/push/none` } });
    expect(missing.status).toBe(404);
  });

  it('pushes a message to an away user once, after the delay, with only what the notification shows', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    const sentAt = Date.now();
    const message = await send(socket, { roomId }, 'are you there?');
    const [received] = await push.waitForDelivered(bob.device, 1);
    expect(received.at - sentAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(received.payload).toEqual({
      title: 'New message from Alice',
      body: 'are you there?',
      roomId: message.roomId,
      url: `/c/${message.roomId}`,
      tag: `room:${message.roomId}`,
      // The newest message it speaks of: a notification showing it already is replaced without alerting again.
      seq: message.seq,
    });
    await expectOnlySentinel(bob, 1);
  });

  it('groups several messages in the window into one push, with the latest text', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    const first = await send(socket, { roomId }, 'one');
    await send(socket, { roomId: first.roomId }, 'two');
    await send(socket, { roomId: first.roomId }, 'three');
    const [received] = await push.waitForDelivered(bob.device, 1);
    expect(received.payload).toMatchObject({ title: '3 new messages from Alice', body: 'three', roomId: first.roomId });
    await expectOnlySentinel(bob, 1);
  });

  it('shortens a long message to what a notification shows, and names the files of a message with no text', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    // 4,000 characters of emoji: 8,000 bytes, twice what a push service has to take.
    await send(socket, { roomId }, '😀'.repeat(2000));
    const [long] = await push.waitForDelivered(bob.device, 1);
    expect(long.payload.body).toBe(`${'😀'.repeat(119)}…`);

    const form = new FormData();
    form.append('file', new Blob(['minutes of the meeting'], { type: 'text/plain' }), 'minutes.txt');
    const uploaded = await fetch(`${server.url}/api/v1/rooms/${roomId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form });
    expect(uploaded.status).toBe(201);
    const { attachment } = await uploaded.json();
    const reply = await emitAck(socket, 'message:send', { roomId, clientMsgId: 'files-only', body: '', attachmentIds: [attachment.id] });
    expect(reply.ok).toBe(true);
    const [, files] = await push.waitForDelivered(bob.device, 2);
    expect(files.payload).toMatchObject({ title: 'New message from Alice', body: '📎 minutes.txt' });
    expect(push.received.filter((received) => received.device === bob.device).map((received) => received.status)).toEqual([201, 201]);
  });

  it('sends nothing when the message is read before the delay', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    const message = await send(socket, { roomId }, 'read me now');
    const read = await api(server.url, `/api/v1/rooms/${message.roomId}/read`, { token: bob.token, body: { seq: message.seq } });
    expect(read.status).toBe(200);
    await expectOnlySentinel(bob, 0);
  });

  it('sends nothing while one of the user\'s tabs shows the conversation, focused', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const { socket: aliceSocket, roomId } = await talking(alice, bob);
    const first = await send(aliceSocket, { roomId }, 'hello');
    await expect(emitAck(await online(bob), 'view:state', { roomId: first.roomId, visible: true, focused: true })).resolves.toEqual({ ok: true });
    await send(aliceSocket, { roomId: first.roomId }, 'you are looking at this');
    await expectOnlySentinel(bob, 0);
  });

  it('tells a tab whether the user is looking at the app in another tab or device', async () => {
    const bob = await createUser(server.url, 'bob');
    const alice = await createUser(server.url, 'alice');
    const { roomId } = await talking(bob, alice);
    const [hiddenTab, otherDevice] = [await online(bob), await online(bob)];
    await expect(emitAck(hiddenTab, 'view:state', { roomId: null, visible: false, focused: false })).resolves.toEqual({ ok: true });
    await expect(emitAck(hiddenTab, 'view:elsewhere', {})).resolves.toEqual({ ok: true, active: false });
    // Its own focus does not count as elsewhere.
    await emitAck(hiddenTab, 'view:state', { roomId, visible: true, focused: true });
    await expect(emitAck(hiddenTab, 'view:elsewhere', {})).resolves.toEqual({ ok: true, active: false });
    await expect(emitAck(otherDevice, 'view:elsewhere', {})).resolves.toEqual({ ok: true, active: true });
    // Shown but not focused (another window on top) is not looking.
    await emitAck(hiddenTab, 'view:state', { roomId, visible: true, focused: false });
    await expect(emitAck(otherDevice, 'view:elsewhere', {})).resolves.toEqual({ ok: true, active: false });
    await emitAck(otherDevice, 'view:state', { roomId, visible: true, focused: true });
    await expect(emitAck(hiddenTab, 'view:elsewhere', {})).resolves.toEqual({ ok: true, active: true });
    // A tab that goes away stops counting at once.
    otherDevice.close();
    await waitFor(async () => (await emitAck(hiddenTab, 'view:elsewhere', {})).active === false);
    await expect(emitAck(hiddenTab, 'view:elsewhere', { extra: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('sends nothing for a muted conversation, takes a mute for a duration on the server\'s clock, and refuses a bad level', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    const first = await send(socket, { roomId }, 'hi');
    await push.waitForDelivered(bob.device, 1);
    const bad = await api(server.url, `/api/v1/rooms/${first.roomId}/notifications`, { method: 'PATCH', token: bob.token, body: { level: 'loud' } });
    expect(bad.status).toBe(400);
    // A timed mute by duration is counted on the server's clock, whatever the browser's says.
    const patch = (body: object) => api(server.url, `/api/v1/rooms/${first.roomId}/notifications`, { method: 'PATCH', token: bob.token, body });
    const before = Date.now();
    const forAnHour = await patch({ level: 'mute', muteForMs: 3_600_000 });
    expect(forAnHour.status).toBe(200);
    const ends = new Date(forAnHour.body.notifications.muteUntil).getTime();
    expect(ends).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    for (const body of [{ level: 'mute', muteForMs: 0 }, { level: 'all', muteForMs: 60_000 }, { level: 'mute', muteForMs: 60_000, muteUntil: new Date(Date.now() + 60_000).toISOString() }, { level: 'mute', muteForMs: 1.5e3 + 0.5 }]) {
      expect((await patch(body)).status, JSON.stringify(body)).toBe(400);
    }
    const muted = await patch({ level: 'mute' });
    expect(muted).toEqual({ status: 200, body: { notifications: { level: 'mute', muteUntil: null } } });
    const rooms = await api(server.url, '/api/v1/rooms', { token: bob.token });
    expect(rooms.body.rooms.find((room: { id: string }) => room.id === first.roomId).notifications).toEqual({ level: 'mute', muteUntil: null });
    await send(socket, { roomId: first.roomId }, 'muted');
    await expectOnlySentinel(bob, 1);
  });

  it('in a group, notifies a mention but not the rest at the default level; never for a blocked sender', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const carol = await createUser(server.url, 'carol', 'Carol');
    const bob = await awayUser('bob');
    // Strangers to alice: invited, and they accept (group invites, docs/security.md).
    const roomId = await createGroupAccepted(server.url, alice, 'Team', [bob, carol]);
    const rooms = await api(server.url, '/api/v1/rooms', { token: bob.token });
    expect(rooms.body.rooms.find((room: { id: string }) => room.id === roomId).notifications).toEqual({ level: 'mentions', muteUntil: null });
    const aliceSocket = await online(alice);
    const carolSocket = await online(carol);
    await send(aliceSocket, { roomId }, 'lunch anyone?');
    // Not mentions by the rule the reader sees marked (lib/mentions.ts): glued to a letter, or a longer handle.
    await send(aliceSocket, { roomId }, `café@${bob.handle} or @${bob.handle}- anyone?`);
    const asked = await send(carolSocket, { roomId }, `@${bob.handle} are you coming?`);
    // Within the delay, one more that does not notify: the push still speaks of the mention, and says so by its seq.
    await send(aliceSocket, { roomId }, 'nobody in particular');
    const [mention] = await push.waitForDelivered(bob.device, 1);
    expect(mention.payload).toMatchObject({ title: 'New message from Carol in Team', body: `@${bob.handle} are you coming?`, seq: asked.seq });

    // At "all", every message counts, except those of someone bob blocked.
    expect((await api(server.url, `/api/v1/rooms/${roomId}/notifications`, { method: 'PATCH', token: bob.token, body: { level: 'all' } })).status).toBe(200);
    expect((await api(server.url, '/api/v1/blocks', { token: bob.token, body: { handle: alice.handle } })).status).toBe(201);
    await send(aliceSocket, { roomId }, `@${bob.handle} blocked me?`);
    await send(carolSocket, { roomId }, 'see you there');
    const pushes = await push.waitForDelivered(bob.device, 2);
    expect(pushes[1].payload).toMatchObject({ title: 'New message from Carol in Team', body: 'see you there' });
    await expectOnlySentinel(bob, 2);
  });

  it('never pushes later what a blocked person wrote during the block, once they are unblocked', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const carol = await createUser(server.url, 'carol', 'Carol');
    const bob = await awayUser('bob');
    const roomId = await createGroupAccepted(server.url, alice, 'Crew', [bob, carol]);
    expect((await api(server.url, `/api/v1/rooms/${roomId}/notifications`, { method: 'PATCH', token: bob.token, body: { level: 'all' } })).status).toBe(200);
    expect((await api(server.url, '/api/v1/blocks', { token: bob.token, body: { handle: alice.handle } })).status).toBe(201);
    const [aliceSocket, carolSocket] = [await online(alice), await online(carol)];
    const whileBlocked = await send(aliceSocket, { roomId }, 'written while blocked');
    // Accounted for like any message the rules leave out: bob's notifications pass it, pushing nothing.
    const notifiedSeq = async () =>
      (await db.query(`SELECT rn."notifiedSeq" FROM "RoomNotification" rn JOIN "User" u ON u."id" = rn."userId" WHERE rn."roomId" = $1 AND u."handle" = $2`, [roomId, bob.handle]))
        .rows[0]?.notifiedSeq ?? 0;
    await waitFor(async () => (await notifiedSeq()) >= whileBlocked.seq, 10_000, "bob's notifications to pass the blocked message");
    expect((await api(server.url, `/api/v1/blocks/${alice.handle}`, { method: 'DELETE', token: bob.token })).status).toBe(200);
    await send(carolSocket, { roomId }, 'after the unblock');
    const [pushed] = await push.waitForDelivered(bob.device, 1);
    expect(pushed.payload).toMatchObject({ title: 'New message from Carol in Crew', body: 'after the unblock' });
    await expectOnlySentinel(bob, 1);
  });

  it('tells of a message request without its text, and hides text when asked', async () => {
    const stranger = await createUser(server.url, 'stranger');
    const bob = await awayUser('bob');
    const message = await send(await online(stranger), { to: bob.handle }, 'secret offer');
    const [request] = await push.waitForDelivered(bob.device, 1);
    expect(request.payload).toEqual({ title: 'New message request', body: '', roomId: message.roomId, url: `/c/${message.roomId}`, tag: `room:${message.roomId}`, seq: message.seq });

    const settings = await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { hideText: true } });
    expect(settings).toEqual({ status: 200, body: { enabled: true, hideText: true, quietHours: null } });
    const friend = await createUser(server.url, 'friend', 'Friend');
    const bobSocket = await online(bob);
    await send(bobSocket, { to: friend.handle }, 'hi friend');
    await send(await online(friend), { to: bob.handle }, 'private words');
    const pushes = await push.waitForDelivered(bob.device, 2);
    expect(pushes[1].payload).toMatchObject({ title: 'New message from Friend', body: '' });
  });

  it("tells every tab of the user, on every device, the settings saved on one", async () => {
    const bob = await createUser(server.url, 'bob');
    // Another device: a session of its own.
    const elsewhere = (await api(server.url, '/api/v1/tokens', { body: { username: bob.handle, password: bob.password } })).body.token;
    const tab = await online({ ...bob, token: elsewhere });
    const updates: unknown[] = [];
    tab.on('notifications:updated', (view: unknown) => updates.push(view));
    const saved = await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { hideText: true } });
    expect(saved.status).toBe(200);
    await waitFor(() => updates.length > 0, 5000, 'the settings on the other device');
    expect(updates).toEqual([saved.body]);
    expect(saved.body).toMatchObject({ hideText: true });
  });

  it('sends nothing during quiet hours or when turned off', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const empty = await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { quietHours: { start: '08:00', end: '08:00', timeZone: 'UTC' } } });
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'quietHours.end: must end at another time than it starts' } } });
    const bad = await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } } });
    expect(bad.status).toBe(400);
    // A window that always holds now: from the current minute to one minute before it (crossing midnight).
    const now = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const quietHours = { start: hhmm(now), end: hhmm(new Date(now.getTime() - 60_000)), timeZone: 'UTC' };
    const quiet = await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { quietHours } });
    expect(quiet.body).toEqual({ enabled: true, hideText: false, quietHours });
    const { socket, roomId } = await talking(alice, bob);
    const first = await send(socket, { roomId }, 'at night');
    // The sentinel comes from someone else, so lift quiet hours only after this message was decided on.
    await waitFor(async () => (await db.query('SELECT 1 FROM "RoomNotification" WHERE "roomId" = $1 AND "notifiedSeq" >= $2', [first.roomId, first.seq])).rowCount === 1);
    await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { quietHours: null, enabled: false } });
    await send(socket, { roomId: first.roomId }, 'turned off');
    await waitFor(async () => (await db.query('SELECT 1 FROM "RoomNotification" WHERE "roomId" = $1 AND "notifiedSeq" >= $2', [first.roomId, first.seq + 1])).rowCount === 1);
    await api(server.url, '/api/v1/me/notifications', { method: 'PATCH', token: bob.token, body: { enabled: true } });
    await expectOnlySentinel(bob, 0);
  });

  it('removes a subscription the push service says is gone (410)', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    push.answerNext(bob.device, 410);
    await send(socket, { roomId }, 'anyone?');
    await waitFor(() => push.received.some((received) => received.device === bob.device && received.status === 410));
    await waitFor(async () => (await db.query('SELECT 1 FROM "PushSubscription" WHERE "endpoint" = $1', [endpointOf(bob.device)])).rowCount === 0, 10_000, 'the subscription to go');
  });

  it('refuses keys nothing can be encrypted to, and removes a stored subscription with such keys instead of retrying it', async () => {
    const user = await createUser(server.url, 'badkeys');
    const good = push.device(`badkeys-${++devices}`);
    for (const keys of [{ p256dh: 'k', auth: 'a' }, { ...good.keys, p256dh: good.keys.p256dh.slice(1) }, { ...good.keys, auth: `${good.keys.auth}AA` }]) {
      const refused = await api(server.url, '/api/v1/push/subscriptions', { token: user.token, body: { ...good, keys } });
      expect(refused.status, JSON.stringify(keys)).toBe(400);
      expect(refused.body.error.code).toBe('bad_request');
    }

    const alice = await createUser(server.url, 'alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    // As an earlier version let it be stored.
    await db.query(`UPDATE "PushSubscription" SET "p256dh" = 'k', "auth" = 'a' WHERE "endpoint" = $1`, [endpointOf(bob.device)]);
    await send(socket, { roomId }, 'to a broken device');
    await waitFor(async () => (await db.query('SELECT 1 FROM "PushSubscription" WHERE "endpoint" = $1', [endpointOf(bob.device)])).rowCount === 0, 10_000, 'the subscription to go');
    expect(push.received.filter((received) => received.device === bob.device)).toEqual([]);
  });

  it('retries a push the service failed (500) and delivers it exactly once', async () => {
    const alice = await createUser(server.url, 'alice', 'Alice');
    const bob = await awayUser('bob');
    const { socket, roomId } = await talking(alice, bob);
    push.answerNext(bob.device, 500);
    await send(socket, { roomId }, 'retry me');
    const [received] = await push.waitForDelivered(bob.device, 1);
    expect(received.payload.body).toBe('retry me');
    expect(push.received.filter((entry) => entry.device === bob.device).map((entry) => entry.status)).toEqual([500, 201]);
    await expectOnlySentinel(bob, 1, 2);
  });

  describe('a retried push says what is true when it goes', () => {
    /**
     * The first push to the device fails (503) and is retried a second later; `meanwhile` runs once it has
     * failed. Then a sentinel that also fails once first, whatever it answered: its retry is due after the
     * first one's, so once the sentinel is in, the first one's retry has been tried, if it was going to be.
     * Gives every push to the device (decrypted, whatever the answer) and the sentinel's room.
     */
    async function retried(recipient: { handle: string; device: string }, first: () => Promise<unknown>, meanwhile: () => Promise<unknown>) {
      push.answerNext(recipient.device, 503);
      await first();
      await waitFor(() => push.received.some((received) => received.device === recipient.device && received.status === 503), 10_000, 'the failed push');
      await meanwhile();
      push.answerNext(recipient.device, 503);
      const stranger = await createUser(server.url, 'sentinel');
      const sentinel = await send(await online(stranger), { to: recipient.handle }, 'sentinel');
      await waitFor(() => push.delivered(recipient.device).some((received) => received.payload.roomId === sentinel.roomId), 15_000, 'the sentinel');
      return { pushes: push.received.filter((received) => received.device === recipient.device), sentinelRoom: sentinel.roomId };
    }
    /** Only the failed first try went for `roomId`: no retry of it was sent, accepted or not. */
    const onlyTheFailedTry = (pushes: { status: number; payload: any }[], roomId: string) =>
      expect(pushes.filter((received) => received.payload?.roomId === roomId).map((received) => received.status)).toEqual([503]);

    it('does not push a message deleted meanwhile', async () => {
      const alice = await createUser(server.url, 'alice', 'Alice');
      const bob = await awayUser('bob');
      const { socket, roomId } = await talking(alice, bob);
      let messageId = '';
      const { pushes } = await retried(
        bob,
        async () => (messageId = (await send(socket, { roomId }, 'wrong person: hunter2') as any).id),
        async () => expect((await emitAck(socket, 'message:delete', { messageId })).ok).toBe(true),
      );
      onlyTheFailedTry(pushes, roomId);
    });

    it('does not push a message read meanwhile on another device', async () => {
      const alice = await createUser(server.url, 'alice', 'Alice');
      const bob = await awayUser('bob');
      const { socket, roomId } = await talking(alice, bob);
      let seq = 0;
      const { pushes } = await retried(
        bob,
        async () => (seq = (await send(socket, { roomId }, 'already seen')).seq),
        async () => expect((await api(server.url, `/api/v1/rooms/${roomId}/read`, { token: bob.token, body: { seq } })).status).toBe(200),
      );
      onlyTheFailedTry(pushes, roomId);
    });

    it('pushes a message edited meanwhile as it reads now', async () => {
      const alice = await createUser(server.url, 'alice', 'Alice');
      const bob = await awayUser('bob');
      const { socket, roomId } = await talking(alice, bob);
      push.answerNext(bob.device, 503);
      const { id: messageId } = (await send(socket, { roomId }, 'see you at 5')) as any;
      await waitFor(() => push.received.some((received) => received.device === bob.device && received.status === 503), 10_000, 'the failed push');
      expect((await emitAck(socket, 'message:edit', { messageId, body: 'see you at 6' })).ok).toBe(true);
      const [pushed] = await push.waitForDelivered(bob.device, 1);
      expect(pushed.payload).toMatchObject({ roomId, body: 'see you at 6' });
    });

    it('does not push to a browser someone else has signed in on since', async () => {
      const alice = await createUser(server.url, 'alice', 'Alice');
      const bob = await createUser(server.url, 'bob');
      const carol = await createUser(server.url, 'carol');
      const browser = { handle: carol.handle, device: `shared-${++devices}` };
      const subscription = push.device(browser.device);
      expect((await api(server.url, '/api/v1/push/subscriptions', { token: bob.token, body: subscription })).status).toBe(201);
      const { socket, roomId } = await talking(alice, bob);
      const { pushes } = await retried(
        browser,
        () => send(socket, { roomId }, 'for bob only'),
        // Carol signs in on the same browser: its subscription is hers now.
        async () => expect((await api(server.url, '/api/v1/push/subscriptions', { token: carol.token, body: subscription })).status).toBe(201),
      );
      onlyTheFailedTry(pushes, roomId);
    });

    it('does not announce a request whose sender deleted their account meanwhile', async () => {
      const stranger = await createUser(server.url, 'stranger');
      const bob = await awayUser('bob');
      let roomId = '';
      const { pushes } = await retried(
        bob,
        async () => (roomId = (await send(await online(stranger), { to: bob.handle }, 'hello?')).roomId),
        async () => expect((await api(server.url, '/api/v1/me', { method: 'DELETE', token: stranger.token, body: { password: stranger.password } })).status).toBe(200),
      );
      onlyTheFailedTry(pushes, roomId);
    });
  });

  it('ends a subscription with its session', async () => {
    const bob = await awayUser('bob');
    const sessions = await api(server.url, '/api/v1/sessions', { token: bob.token });
    const current = sessions.body.sessions.find((session: { current: boolean }) => session.current);
    const count = async () => (await db.query('SELECT 1 FROM "PushSubscription" WHERE "endpoint" = $1', [endpointOf(bob.device)])).rowCount;
    expect(await count()).toBe(1);
    expect((await api(server.url, `/api/v1/sessions/${current.id}`, { method: 'DELETE', token: bob.token })).status).toBe(200);
    expect(await count()).toBe(0);
  });
});
