import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { connect, createUser, type TestSocket } from '../helpers/clients';
import { createGroup, ok, RoomReplica } from '../helpers/rich';
import { waitFor } from '../helpers/wait';

// Two real server processes on one Postgres and Redis. Everything is done through node A; carol's
// online client listens on node B, and her offline copy catches up through node A.
let nodeA: AppServer;
let nodeB: AppServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  [nodeA, nodeB] = await Promise.all([startAppServer(), startAppServer()]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
});

async function open(node: AppServer, token: string) {
  const socket = await connect(node.url, { token });
  sockets.push(socket);
  return socket;
}

describe('edits, deletes and reactions reach a client that was offline exactly as one that stayed online', () => {
  it('converges after one sync: 50 sends, 10 edits, 5 deletes and 20 reaction changes, across two nodes', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => createUser(nodeA.url, name)));
    const roomId = await createGroup(nodeA.url, alice, [bob, carol]);
    const [aliceSocket, bobSocket, carolActs] = await Promise.all([open(nodeA, alice.token), open(nodeA, bob.token), open(nodeA, carol.token)]);
    const send = (socket: TestSocket, index: number, extra: Record<string, unknown> = {}) =>
      ok(socket, 'message:send', { roomId, clientMsgId: `c-${index}`, body: `message ${index} about the harbour`, ...extra }).then((reply) => reply.message as ChatMessage);

    // History both of carol's clients hold before one of them goes offline.
    const before: ChatMessage[] = [];
    for (let index = 0; index < 10; index += 1) before.push(await send(index % 2 ? bobSocket : aliceSocket, index));
    const online = new RoomReplica();
    const offline = new RoomReplica();
    const carolOnline = await open(nodeB, carol.token);
    online.follow(carolOnline, roomId);
    await online.sync(carolOnline, roomId);
    await offline.sync(carolActs, roomId);
    const offlineFrom = { seq: offline.syncedSeq, version: offline.version };
    expect(offline.bySeq()).toEqual(online.bySeq());

    // While offline: 50 sends (some replies, some mentioning carol), 10 edits, 5 deletes, 20 reaction changes.
    const sent: ChatMessage[] = [];
    for (let index = 10; index < 60; index += 1) {
      const socket = index % 2 ? bobSocket : aliceSocket;
      const extra = index % 7 === 0 ? { replyToId: before[index % 10].id } : index % 5 === 0 ? { body: `hey @${carol.handle} see ${index}` } : {};
      sent.push(await send(socket, index, extra));
    }
    const all = [...before, ...sent];
    const ownerSocket = (message: ChatMessage) => (message.sender === alice.handle ? aliceSocket : bobSocket);
    const edited = [before[0], before[1], before[3], before[4], before[7], sent[0], sent[2], sent[11], sent[20], sent[33]];
    for (const message of edited) await ok(ownerSocket(message), 'message:edit', { messageId: message.id, body: `${message.body} (fixed, cc @${carol.handle})` });
    // before[2] is quoted by a reply and then deleted; before[1] and before[4] are quoted and edited.
    const deleted = [before[0], before[2], sent[5], sent[6], sent[40]];
    for (const message of deleted) await ok(ownerSocket(message), 'message:delete', { messageId: message.id });
    const reactionChanges: [TestSocket, 'reaction:add' | 'reaction:remove', ChatMessage, string][] = [
      [aliceSocket, 'reaction:add', before[1], '👍'],
      [bobSocket, 'reaction:add', before[1], '👍'],
      [carolActs, 'reaction:add', before[1], '👍'],
      [carolActs, 'reaction:add', before[1], '🎉'],
      [bobSocket, 'reaction:add', before[5], '❤️'],
      [aliceSocket, 'reaction:add', before[5], '😂'],
      [aliceSocket, 'reaction:remove', before[5], '😂'],
      [carolActs, 'reaction:add', before[8], '👀'],
      [bobSocket, 'reaction:add', before[8], '👀'],
      [carolActs, 'reaction:remove', before[8], '👀'],
      [aliceSocket, 'reaction:add', sent[1], '🔥'],
      [bobSocket, 'reaction:add', sent[1], '🔥'],
      [carolActs, 'reaction:add', sent[1], '🔥'],
      [aliceSocket, 'reaction:add', sent[3], '🇫🇷'],
      [carolActs, 'reaction:add', sent[3], '👍'],
      [bobSocket, 'reaction:add', sent[30], '👍'],
      [bobSocket, 'reaction:remove', sent[30], '👍'],
      [aliceSocket, 'reaction:add', sent[49], '✅'],
      [carolActs, 'reaction:add', sent[49], '✅'],
      [bobSocket, 'reaction:add', sent[49], '✅'],
    ];
    for (const [socket, event, message, emoji] of reactionChanges) await ok(socket, event, { messageId: message.id, emoji });
    // Published in order through one node: when the sentinel is in, everything before it is.
    const sentinel = await send(aliceSocket, 999);
    await waitFor(() => online.messages.has(sentinel.id), 10_000, 'the sentinel on the online client');

    const changes = await offline.sync(carolActs, roomId);
    expect(offline.bySeq()).toEqual(online.bySeq());
    // Only the changed history came back as changes: the old messages edited, deleted, reacted to or quoting a changed one.
    const changedOld = new Set([...edited, ...deleted, before[1], before[5], before[8]].filter((message) => message.seq <= offlineFrom.seq).map((message) => message.id));
    expect(changes).toBe(changedOld.size);

    // And that state is what happened.
    const state = new Map(offline.bySeq().map((message) => [message.id, message]));
    // Everything sent, the sentinel, the "group created" system message, and bob's and carol's joining
    // (strangers to alice, they accepted their invites).
    expect(state.size).toBe(all.length + 4);
    for (const message of edited.filter((entry) => !deleted.includes(entry))) {
      expect(state.get(message.id)).toMatchObject({ body: `${message.body} (fixed, cc @${carol.handle})`, mentions: [carol.handle] });
      expect(state.get(message.id)!.editedAt).not.toBeNull();
    }
    for (const message of deleted) expect(state.get(message.id)).toMatchObject({ deleted: true, deletedBy: 'sender', body: '', reactions: [] });
    expect(state.get(before[1].id)!.reactions).toEqual([
      { emoji: '👍', count: 3, handles: [carol.handle, alice.handle, bob.handle] },
      { emoji: '🎉', count: 1, handles: [carol.handle] },
    ]);
    expect(state.get(before[5].id)!.reactions).toEqual([{ emoji: '❤️', count: 1, handles: [bob.handle] }]);
    expect(state.get(before[8].id)!.reactions).toEqual([{ emoji: '👀', count: 1, handles: [bob.handle] }]);
    expect(state.get(sent[30].id)!.reactions).toEqual([]);
    const replyToDeleted = sent.find((message) => message.replyTo?.id === before[2].id)!;
    expect(state.get(replyToDeleted.id)!.replyTo).toEqual({ id: before[2].id, seq: before[2].seq, sender: alice.handle, excerpt: '', deleted: true });
    const replyToEdited = sent.find((message) => message.replyTo?.id === before[1].id)!;
    expect(state.get(replyToEdited.id)!.replyTo).toMatchObject({ sender: bob.handle, excerpt: `${before[1].body} (fixed, cc @${carol.handle})`, deleted: false });
  }, 120_000);

  // An edit or a delete gives the message and every reply quoting it one version: a page of changes
  // cut at 1,000 inside that version must not leave the rest behind (the next page starts after it).
  it('a sync paging through more changes than a page brings all of one edit, however many replies quote it', async () => {
    const [alice, carol] = await Promise.all(['alice', 'carol'].map((name) => createUser(nodeA.url, name)));
    const roomId = await createGroup(nodeA.url, alice, [carol]);
    const [aliceSocket, carolSocket] = await Promise.all([open(nodeA, alice.token), open(nodeA, carol.token)]);
    const aside = (await ok(aliceSocket, 'message:send', { roomId, clientMsgId: 'aside', body: 'by the way' })).message as ChatMessage;
    const quoted = (await ok(aliceSocket, 'message:send', { roomId, clientMsgId: 'quoted', body: 'the plan' })).message as ChatMessage;
    // Sent without waiting, so the replies take few commits; the replica then holds them all.
    const replies = 1_005;
    await Promise.all(Array.from({ length: replies }, (_, index) => ok(aliceSocket, 'message:send', { roomId, clientMsgId: `r-${index}`, body: `reply ${index}`, replyToId: quoted.id })));
    const offline = new RoomReplica();
    await offline.sync(carolSocket, roomId);

    // A change before the edit: the first page is cut after it, the edit's whole version on the next.
    await ok(carolSocket, 'reaction:add', { messageId: aside.id, emoji: '👍' });
    await ok(aliceSocket, 'message:edit', { messageId: quoted.id, body: 'the new plan' });
    const changes = await offline.sync(carolSocket, roomId);
    expect(changes).toBe(replies + 2);
    expect(offline.messages.get(aside.id)!.reactions).toEqual([{ emoji: '👍', count: 1, handles: [carol.handle] }]);
    const quotes = offline.bySeq().filter((message) => message.replyTo?.id === quoted.id);
    expect(quotes).toHaveLength(replies);
    expect(quotes.filter((message) => message.replyTo!.excerpt !== 'the new plan').map((message) => message.body)).toEqual([]);
  }, 120_000);
});
