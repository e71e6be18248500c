import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { Prisma } from '@/server/db/generated/client';
import { MESSAGE_WORDS } from '@/server/messages/search-messages';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { TEST_DATABASE_URL } from '../helpers/services';
import { createGroup, ok } from '../helpers/rich';
import { collect } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// A real server process on the test Postgres and Redis; a second one with a tight send limit.
let server: AppServer;
let limited: AppServer;
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
const sockets: TestSocket[] = [];
const SEND_BURST = 4;

beforeAll(async () => {
  await db.connect();
  [server, limited] = await Promise.all([
    startAppServer({ BANNED_WORDS: 'grumpf', BANNED_WORDS_MODE: 'refuse' }),
    startAppServer({ RATE_SEND_PER_SEC: '0.01', RATE_SEND_BURST: String(SEND_BURST) }),
  ]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([server?.stop(), limited?.stop()]);
  await db.end();
});

async function open(user: TestUser, node = server) {
  const socket = await connect(node.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

const sendTo = (socket: TestSocket, roomId: string, body: string, extra: Record<string, unknown> = {}) =>
  ok(socket, 'message:send', { roomId, clientMsgId: `m-${Math.random()}`, body, ...extra }).then((reply) => reply.message as ChatMessage);

const search = (user: TestUser, query: Record<string, string>) => api(server.url, `/api/v1/search?${new URLSearchParams(query)}`, { token: user.token });

describe('who may change a message', () => {
  it('lets only the sender edit or delete, members react, and hides the room from everyone else', async () => {
    const [alice, bob, mallory] = await Promise.all(['alice', 'bob', 'mallory'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const [aliceSocket, bobSocket, mallorySocket] = await Promise.all([open(alice), open(bob), open(mallory)]);
    const message = await sendTo(aliceSocket, roomId, 'original words');

    const asBob = await emitAck(bobSocket, 'message:edit', { messageId: message.id, body: 'hijacked' });
    expect(asBob).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await emitAck(bobSocket, 'message:delete', { messageId: message.id })).error.code).toBe('forbidden');
    for (const [event, payload] of [
      ['message:edit', { messageId: message.id, body: 'hijacked' }],
      ['message:delete', { messageId: message.id }],
      ['reaction:add', { messageId: message.id, emoji: '👍' }],
      ['reaction:remove', { messageId: message.id, emoji: '👍' }],
    ] as const) {
      expect(await emitAck(mallorySocket, event, payload), event).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect((await emitAck(mallorySocket, 'room:sync', { roomId, afterSeq: 0, afterVersion: 0 })).error.code).toBe('not_found');
    // Not an emoji, or two: refused before anything is stored.
    expect((await emitAck(bobSocket, 'reaction:add', { messageId: message.id, emoji: 'ok' })).error.code).toBe('bad_request');
    expect((await emitAck(bobSocket, 'reaction:add', { messageId: message.id, emoji: '👍👍' })).error.code).toBe('bad_request');
    // A reply must quote a message of the same room.
    const elsewhere = await createGroup(server.url, mallory, [bob]);
    const outside = await sendTo(mallorySocket, elsewhere, 'somewhere else');
    expect((await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'r-x', body: 'reply', replyToId: outside.id })).error.code).toBe('not_found');

    const { rows } = await db.query('SELECT body, "editedAt", version FROM "Message" WHERE id = $1', [message.id]);
    expect(rows[0]).toMatchObject({ body: 'original words', editedAt: null, version: message.version });
    expect(await db.query('SELECT 1 FROM "Reaction" WHERE "messageId" = $1', [message.id]).then((result) => result.rowCount)).toBe(0);

    // Deleted meanwhile: the refusal says so in words a member understands (not which reason it was).
    expect((await emitAck(aliceSocket, 'message:delete', { messageId: message.id })).ok).toBe(true);
    expect(await emitAck(bobSocket, 'reaction:add', { messageId: message.id, emoji: '👍' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'This message was deleted, or you can no longer see it.' },
    });
  });

  it('applies changes a client pipelines in the order it sent them, across event names (a reaction added and taken back)', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([open(alice), open(bob)]);
    for (let round = 0; round < 10; round++) {
      const message = await sendTo(aliceSocket, roomId, `toggle ${round}`);
      // A double tap: add, then take back, without waiting for the first answer; then delete after an edit.
      const [added, removed] = await Promise.all([
        ok(bobSocket, 'reaction:add', { messageId: message.id, emoji: '👍' }),
        ok(bobSocket, 'reaction:remove', { messageId: message.id, emoji: '👍' }),
      ]);
      expect(removed.message.version).toBeGreaterThan(added.message.version);
      const [edited, deleted] = await Promise.all([
        ok(aliceSocket, 'message:edit', { messageId: message.id, body: 'changed' }),
        ok(aliceSocket, 'message:delete', { messageId: message.id }),
      ]);
      expect(deleted.message.version).toBeGreaterThan(edited.message.version);
    }
    const { rows } = await db.query('SELECT count(*)::int AS n FROM "Reaction" r JOIN "Message" m ON m.id = r."messageId" WHERE m."roomId" = $1', [roomId]);
    expect(rows[0].n).toBe(0);
  });

  it('leaves out the reactions of people the viewer blocked, live, in history and through sync', async () => {
    const [alice, bob, mallory] = await Promise.all(['alice', 'bob', 'mallory'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, bob, [alice, mallory]);
    expect((await api(server.url, '/api/v1/blocks', { token: alice.token, body: { handle: mallory.handle } })).status).toBeLessThan(300);
    const [aliceSocket, bobSocket, mallorySocket] = await Promise.all([open(alice), open(bob), open(mallory)]);
    const message = await sendTo(bobSocket, roomId, 'how was the trip?');
    const aliceUpdates = collect<{ message: ChatMessage }>(aliceSocket, 'message:updated');
    const bobUpdates = collect<{ message: ChatMessage }>(bobSocket, 'message:updated');

    await ok(mallorySocket, 'reaction:add', { messageId: message.id, emoji: '😡' });
    await ok(bobSocket, 'reaction:add', { messageId: message.id, emoji: '👍' });
    // Bob's own reaction is the later change: once Alice has it, she has had every update before it.
    await waitFor(() => aliceUpdates.some((update) => update.message.reactions?.some((reaction) => reaction.emoji === '👍')), 5000, 'Alice to see Bob react');
    const onlyBobs = [{ emoji: '👍', count: 1, handles: [bob.handle] }];
    expect(aliceUpdates.flatMap((update) => update.message.reactions ?? []).some((reaction) => reaction.handles.includes(mallory.handle))).toBe(false);
    expect(aliceUpdates.at(-1)!.message.reactions).toEqual(onlyBobs);
    await waitFor(() => bobUpdates.length >= 2, 5000, 'Bob to see both reactions');
    expect(bobUpdates.at(-1)!.message.reactions).toEqual([
      { emoji: '😡', count: 1, handles: [mallory.handle] },
      { emoji: '👍', count: 1, handles: [bob.handle] },
    ]);

    const history = await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token });
    expect(history.body.messages.find((item: ChatMessage) => item.id === message.id).reactions).toEqual(onlyBobs);
    const synced = await ok(aliceSocket, 'room:sync', { roomId, afterSeq: message.seq, afterVersion: message.version });
    expect(synced.changes.map((item: ChatMessage) => item.reactions)).toEqual([onlyBobs]);
  });

  it('puts edits through the content rules, keeps earlier texts for moderators, and counts mentions of members only', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const outsider = await createUser(server.url, 'outsider');
    const roomId = await createGroup(server.url, alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([open(alice), open(bob)]);
    const message = await sendTo(aliceSocket, roomId, `hi @${bob.handle} and @${outsider.handle}`);
    expect(message.mentions).toEqual([bob.handle]);
    const updates: ChatMessage[] = [];
    bobSocket.on('message:updated', ({ message: updated }) => updates.push(updated));

    expect(await emitAck(aliceSocket, 'message:edit', { messageId: message.id, body: 'you grumpf' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const edited = (await ok(aliceSocket, 'message:edit', { messageId: message.id, body: 'never mind' })).message;
    expect(edited).toMatchObject({ body: 'never mind', mentions: [] });
    expect(edited.version).toBeGreaterThan(message.version!);
    await expect.poll(() => updates.map((update) => update.body)).toEqual(['never mind']);

    // The mention count follows the edit: nothing left for bob.
    const rooms = await api(server.url, '/api/v1/rooms', { token: bob.token });
    expect(rooms.body.rooms.find((room: { id: string }) => room.id === roomId)).toMatchObject({ mentions: 0, unread: 1, version: edited.version });
    const second = await sendTo(aliceSocket, roomId, `@${bob.handle}: lunch?`);
    const after = await api(server.url, '/api/v1/rooms', { token: bob.token });
    expect(after.body.rooms.find((room: { id: string }) => room.id === roomId)).toMatchObject({ mentions: 1, unread: 2 });
    const mentions = await api(server.url, '/api/v1/mentions', { token: bob.token });
    expect(mentions.body).toEqual({ results: [{ message: expect.objectContaining({ id: second.id }), room: { id: roomId, kind: 'group', name: 'rich' } }], hasMore: false });

    // A moderator sees what the message said before, through a report.
    expect((await api(server.url, '/api/v1/reports', { token: bob.token, body: { messageId: message.id, reason: 'rude' } })).status).toBe(201);
    await ok(aliceSocket, 'message:delete', { messageId: message.id });
    const admin = await createUser(server.url, 'admin');
    await db.query(`UPDATE "User" SET role = 'admin' WHERE handle = $1`, [admin.handle]);
    const reports = await api(server.url, '/api/v1/admin/reports', { token: admin.token });
    const report = reports.body.reports.find((entry: { message: ChatMessage | null }) => entry.message?.id === message.id);
    expect(report.message).toMatchObject({ deleted: true, deletedBy: 'sender', body: '' });
    expect(report.history.map((entry: { body: string }) => entry.body)).toEqual([`hi @${bob.handle} and @${outsider.handle}`, 'never mind']);
  });

  it('tells the reader\'s sessions how many unread mention them after a read that stops short of the end', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const [aliceSocket, bobSocket, bobsOtherTab] = await Promise.all([open(alice), open(bob), open(bob)]);
    const pushes = collect(bobsOtherTab, 'unread');
    const mention = await sendTo(aliceSocket, roomId, `@${bob.handle} look at this`);
    const plain = await sendTo(aliceSocket, roomId, 'and this, later');
    await ok(bobSocket, 'room:read', { roomId, seq: mention.seq });
    await waitFor(() => pushes.length > 0, 10_000, 'the unread push');
    expect(pushes).toEqual([{ roomId, count: 1, readSeq: mention.seq, mentions: 0 }]);
    // A mention after the cursor still counts.
    await sendTo(aliceSocket, roomId, `@${bob.handle} again`);
    await ok(bobSocket, 'room:read', { roomId, seq: plain.seq });
    await waitFor(() => pushes.length > 1, 10_000, 'the second unread push');
    expect(pushes[1]).toEqual({ roomId, count: 1, readSeq: plain.seq, mentions: 1 });
  });

  it('lists a conversation whose newest message was deleted with it as "deleted", as the live list shows it, not an older one', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const aliceSocket = await open(alice);
    await sendTo(aliceSocket, roomId, 'first');
    const last = await sendTo(aliceSocket, roomId, 'oops');
    await ok(aliceSocket, 'message:delete', { messageId: last.id });
    for (const user of [alice, bob]) {
      const listed = (await api(server.url, '/api/v1/rooms', { token: user.token })).body.rooms.find((room: { id: string }) => room.id === roomId);
      expect(listed.lastMessage).toMatchObject({ id: last.id, seq: last.seq, deleted: true, deletedBy: 'sender', body: '' });
    }
  });

  it('counts edits, deletes and reactions against the sender rate limit', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(limited.url, name)));
    const roomId = await createGroup(limited.url, alice, [bob]);
    const aliceSocket = await open(alice, limited);
    const message = await sendTo(aliceSocket, roomId, 'one');
    await ok(aliceSocket, 'message:edit', { messageId: message.id, body: 'two' });
    await ok(aliceSocket, 'reaction:add', { messageId: message.id, emoji: '👍' });
    await ok(aliceSocket, 'reaction:remove', { messageId: message.id, emoji: '👍' });
    // The burst is spent: a fifth action of any kind is refused, and nothing changes.
    for (const [event, payload] of [
      ['message:edit', { messageId: message.id, body: 'three' }],
      ['message:delete', { messageId: message.id }],
      ['reaction:add', { messageId: message.id, emoji: '🎉' }],
      ['message:send', { roomId, clientMsgId: 'late', body: 'late' }],
    ] as const) {
      expect(await emitAck(aliceSocket, event, payload), event).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    }
    const { rows } = await db.query('SELECT body, "deletedAt" FROM "Message" WHERE id = $1', [message.id]);
    expect(rows[0]).toEqual({ body: 'two', deletedAt: null });
  });
});

describe('search', () => {
  it('finds only what the caller may read: their rooms, since joining a group, not blocked senders, not deleted', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server.url, name)));
    const word = `zebra${Date.now().toString(36)}`;
    const roomId = await createGroup(server.url, alice, [bob, carol]);
    const [aliceSocket, bobSocket, carolSocket, daveSocket] = await Promise.all([open(alice), open(bob), open(carol), open(dave)]);
    const early = await sendTo(aliceSocket, roomId, `the ${word} before dave joined`);
    expect((await api(server.url, `/api/v1/groups/${roomId}/users`, { token: alice.token, body: { handle: dave.handle } })).status).toBe(201);
    // A stranger to alice, dave is invited; he joins when he accepts.
    expect((await api(server.url, `/api/v1/invites/${roomId}/accept`, { token: dave.token, body: {} })).status).toBe(200);
    const fromBob = await sendTo(bobSocket, roomId, `bob saw a ${word}`);
    const fromCarol = await sendTo(carolSocket, roomId, `carol saw a ${word}, a ${word} and another ${word}`);
    const gone = await sendTo(aliceSocket, roomId, `a deleted ${word}`);
    await ok(aliceSocket, 'message:delete', { messageId: gone.id });
    const privateRoom = await createGroup(server.url, bob, [carol]);
    await sendTo(bobSocket, privateRoom, `a private ${word}`);
    expect((await api(server.url, '/api/v1/blocks', { token: dave.token, body: { handle: bob.handle } })).status).toBeLessThan(300);

    const ids = async (user: TestUser, query: Record<string, string> = {}) => {
      const reply = await search(user, { q: word, ...query });
      expect(reply.status).toBe(200);
      return reply.body.results.map((result: { message: ChatMessage }) => result.message.id);
    };
    // Carol's message matches the word three times: ranked first; then newest first.
    expect(await ids(alice)).toEqual([fromCarol.id, fromBob.id, early.id]);
    expect(await ids(dave)).toEqual([fromCarol.id]);
    expect(await ids(carol, { roomId })).toEqual([fromCarol.id, fromBob.id, early.id]);
    // Not in the room: nothing, even naming it.
    const outsider = await createUser(server.url, 'outsider');
    expect(await ids(outsider)).toEqual([]);
    expect(await ids(outsider, { roomId })).toEqual([]);
    void daveSocket;

    const page = await search(alice, { q: word, limit: '2' });
    expect(page.body.hasMore).toBe(true);
    expect(page.body.results[0]).toMatchObject({ room: { id: roomId, kind: 'group', name: 'rich' } });
    const highlight = page.body.results[0].highlights as { start: number; end: number }[];
    expect(highlight.map(({ start, end }) => fromCarol.body.slice(start, end))).toEqual([word, word, word]);
    const rest = await search(alice, { q: word, limit: '2', beforeId: page.body.results[1].message.id });
    expect(rest.body).toMatchObject({ hasMore: false, results: [{ message: { id: early.id } }] });
    expect(rest.body).not.toHaveProperty('nextCursor');

    // The page's last result edited out of the matches: its cursor still continues after it (its id, no
    // longer among the matches, cannot), and a cursor no search gave is refused.
    await ok(bobSocket, 'message:edit', { messageId: fromBob.id, body: 'bob saw nothing' });
    const afterEdit = await search(alice, { q: word, limit: '2', cursor: page.body.nextCursor });
    expect(afterEdit.body).toMatchObject({ hasMore: false, results: [{ message: { id: early.id } }] });
    expect(await search(alice, { q: word, cursor: 'bm9wZQ' })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    // Forged cursors of the right shape with values the database cannot hold: refused too, not a 500.
    const forged = (place: unknown[]) => Buffer.from(JSON.stringify(place)).toString('base64url');
    for (const place of [
      [1e300, '2026-01-01T00:00:00.000Z', 'x'],
      // Between 0 and the smallest real: underflows.
      [1e-46, '2026-01-01T00:00:00.000Z', 'x'],
      [0.1, '0000-01-01T00:00:00.000Z', 'x'],
      [0.1, '-271821-04-20T00:00:00.000Z', 'x'],
      [0.1, '2026-01-01T00:00:00.000Z', 'a\u0000b'],
    ]) {
      for (const q of [word, '中文']) expect(await search(alice, { q, cursor: forged(place) }), JSON.stringify([q, place])).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    }
  });

  it('finds a message whatever the Unicode form of the query: decomposed accents match the composed text stored', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const socket = await open(alice);
    const tag = Date.now().toString(36);
    const latin = await sendTo(socket, roomId, `café${tag} au lait`);
    const japanese = await sendTo(socket, roomId, `ガイド本 ${tag}`);
    for (const [query, expected] of [[`café${tag}`, latin], ['ガイド', japanese]] as const) {
      for (const form of ['NFC', 'NFD'] as const) {
        const reply = await search(bob, { q: query.normalize(form), roomId });
        expect(reply.status).toBe(200);
        const [hit] = reply.body.results as { message: ChatMessage; highlights: { start: number; end: number }[] }[];
        expect(hit?.message.id, `${query} as ${form}`).toBe(expected.id);
        expect(hit.highlights.length, `${query} as ${form}`).toBeGreaterThan(0);
      }
    }
  });

  it('finds words written between angle brackets, which the text parser would skip as a tag', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroup(server.url, alice, [bob]);
    const socket = await open(alice);
    const word = `gadget${Date.now().toString(36)}`;
    const generic = await sendTo(socket, roomId, `a Vec<${word}> is fine`);
    const compared = await sendTo(socket, roomId, `if a<b then quokka${word} or c>d`);
    const found = async (q: string) => {
      const reply = await search(bob, { q });
      expect(reply.status, q).toBe(200);
      return reply.body.results as { message: ChatMessage; highlights: { start: number; end: number }[] }[];
    };
    const [hit] = await found(word);
    expect(hit.message.id).toBe(generic.id);
    expect(hit.highlights.map(({ start, end }) => generic.body.slice(start, end))).toEqual([word]);
    expect((await found(`<${word}>`)).map((result) => result.message.id)).toEqual([generic.id]);
    expect((await found(`quokka${word}`)).map((result) => result.message.id)).toEqual([compared.id]);
    // The search's own expression is the index's: the planner can answer it from the index.
    const words = Prisma.sql`EXPLAIN SELECT m."id" FROM "Message" m WHERE ${MESSAGE_WORDS} @@ websearch_to_tsquery('english', 'x')`;
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL enable_seqscan = off');
      const plan = await db.query(words.text, words.values);
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('Message_body_text_search_idx');
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('takes any text as a query: tsquery and SQL syntax are words, not syntax', async () => {
    const alice = await createUser(server.url, 'alice');
    for (const q of [`a & b | !c ( ' \\ :* <-> "open`, `'; DROP TABLE "Message"; --`, '!!!', '(((', 'or -', '"" :*']) {
      const reply = await search(alice, { q });
      expect(reply.status, q).toBe(200);
      expect(reply.body, q).toEqual({ results: [], hasMore: false });
    }
    expect((await search(alice, { q: '' })).status).toBe(400);
    expect((await search(alice, { q: 'x', limit: '0' })).status).toBe(400);
    expect((await db.query('SELECT count(*) FROM "Message"')).rows[0].count).toBeDefined();
  });
});
