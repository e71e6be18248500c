import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRooms } from '@/server/rooms/list-rooms';
import { type InProcessRealtime, insertUser, startInProcessRealtime } from '../helpers/in-process-runtime';

// outbox.spec › unread badges read 3 instead of 2 after a reload: the room list read a room's lastSeq,
// a message was stored, and then unread was counted including it. The client, which had that message
// live past the listed lastSeq, counted it once more. The list must count unread as of its lastSeq.
describe('room list: unread agrees with lastSeq', () => {
  let app: InProcessRealtime;
  beforeAll(async () => {
    app = await startInProcessRealtime();
  });
  afterAll(async () => app?.close());

  it('does not count a message stored between reading the rooms and counting unread', async () => {
    const alice = await insertUser(app.db, 'alice');
    const bob = await insertUser(app.db, 'bob');
    const room = await app.db.room.create({ data: { kind: 'direct', members: { create: [{ userId: alice.id }, { userId: bob.id }] } } });
    const actor = { userId: bob.id, handle: bob.handle, displayName: bob.displayName, avatarId: null, sessionId: 'test', role: 'user', createdAt: bob.createdAt };

    // The rooms are read; before unread is counted, alice's message is stored (as a send would).
    const held = app.watched.holdNext('room.findMany', 'after');
    const listing = listRooms(actor);
    await held.reached;
    await app.db.$transaction([
      app.db.message.create({ data: { roomId: room.id, seq: 1, senderId: alice.id, clientMsgId: 'between', body: 'stored in between' } }),
      app.db.room.update({ where: { id: room.id }, data: { lastSeq: 1, lastMessageAt: new Date() } }),
    ]);
    held.release();
    const [listed] = (await listing).filter((summary) => summary.id === room.id);
    expect({ lastSeq: listed.lastSeq, unread: listed.unread }).toEqual({ lastSeq: 0, unread: 0 });

    // The next list sees it, listed and counted together.
    const [next] = (await listRooms(actor)).filter((summary) => summary.id === room.id);
    expect({ lastSeq: next.lastSeq, unread: next.unread }).toEqual({ lastSeq: 1, unread: 1 });
  });
});
