import { describe, expect, it } from 'vitest';
import type { ChatMessage, RoomSummary } from '@/lib/schemas';
import { createChatStore } from '@/lib/stores/chat-store';
import { copyOf, OFFLINE_COPY_MESSAGES } from '@/lib/offline-copy';

const me = { handle: 'me', displayName: 'Me', avatarUrl: null };

const message = (seq: number, sender = 'them', roomId = 'r1'): ChatMessage => ({
  id: `m${seq}`,
  roomId,
  seq,
  clientMsgId: `c${seq}`,
  sender,
  kind: 'text',
  body: `message ${seq}`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  attachments: [],
});

const room = (lastSeq: number, unread: number, lastMessage: ChatMessage | null = null): RoomSummary => ({
  id: 'r1',
  kind: 'direct',
  name: null,
  members: [
    { handle: 'me', displayName: 'Me', avatarUrl: null, readSeq: 0, deliveredSeq: 0 },
    { handle: 'them', displayName: 'Them', avatarUrl: null, readSeq: 0, deliveredSeq: 0 },
  ],
  owner: null,
  closed: false,
  lastMessage,
  lastSeq,
  unread,
});

describe('chat store: what is held without a hole', () => {
  it('does not track rooms that were never loaded', () => {
    const store = createChatStore(me);
    store.getState().receiveMessage(message(3));
    expect(store.getState().syncedSeq.r1).toBeUndefined();
  });

  it('does not let a live message past a hole move the mark; a sync fills the hole and moves it', () => {
    const store = createChatStore(me);
    store.getState().mergeMessages('r1', [message(1), message(2)]);
    store.getState().markSynced('r1', 2);
    // Offline meanwhile: 3–5 were missed, 6 arrives live first.
    store.getState().receiveMessage(message(6));
    expect(store.getState().syncedSeq.r1).toBe(2);
    // The catch-up returns 3–6, complete up to the room's last seq.
    store.getState().mergeMessages('r1', [message(3), message(4), message(5), message(6)]);
    store.getState().markSynced('r1', 6);
    expect(store.getState().syncedSeq.r1).toBe(6);
    expect(store.getState().messagesByRoom.r1.map((held) => held.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('moves the mark over live messages that follow it, and over held ones a sync reaches', () => {
    const store = createChatStore(me);
    store.getState().markSynced('r1', 0);
    store.getState().receiveMessage(message(1));
    store.getState().receiveMessage(message(2));
    expect(store.getState().syncedSeq.r1).toBe(2);
    store.getState().receiveMessage(message(5));
    store.getState().receiveMessage(message(4));
    expect(store.getState().syncedSeq.r1).toBe(2);
    store.getState().mergeMessages('r1', [message(3)]);
    expect(store.getState().syncedSeq.r1).toBe(5);
  });

  it('never moves the mark back', () => {
    const store = createChatStore(me);
    store.getState().markSynced('r1', 9);
    store.getState().markSynced('r1', 4);
    expect(store.getState().syncedSeq.r1).toBe(9);
  });
});

describe('chat store: room list', () => {
  it('counts a live message once as unread, whichever of the list and the message comes first', () => {
    const listFirst = createChatStore(me);
    listFirst.getState().setRooms([room(1, 0)]);
    listFirst.getState().receiveMessage(message(2));
    listFirst.getState().receiveMessage(message(2));
    expect(listFirst.getState().rooms.r1.unread).toBe(1);

    // A list fetched before the message was stored arrives after it: the message is not lost from the count.
    const messageFirst = createChatStore(me);
    messageFirst.getState().setRooms([room(1, 0)]);
    messageFirst.getState().receiveMessage(message(2));
    messageFirst.getState().setRooms([room(1, 0)]);
    expect(messageFirst.getState().rooms.r1).toMatchObject({ unread: 1, lastSeq: 2 });

    // A list fetched after it already counts it.
    messageFirst.getState().setRooms([room(2, 1, message(2))]);
    expect(messageFirst.getState().rooms.r1.unread).toBe(1);
  });

  it('erases a removed message from the list preview and from requests too', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(2, 1, message(2))]);
    store.getState().setRequests([{ roomId: 'r1', from: { handle: 'them', displayName: 'Them', avatarUrl: null }, lastMessage: message(2), createdAt: message(2).createdAt }]);
    store.getState().markDeleted('r1', 'm2');
    expect(store.getState().rooms.r1.lastMessage).toMatchObject({ body: '', deleted: true });
    expect(store.getState().requests[0].lastMessage).toMatchObject({ body: '', deleted: true });
  });
});

describe('chat store: unread mentions', () => {
  const mentioning = (seq: number) => ({ ...message(seq), mentions: ['me'] });

  it('counts a live message that mentions me, once, and not my own or one that does not', () => {
    const store = createChatStore(me);
    store.getState().setRooms([{ ...room(1, 0), mentions: 0 }]);
    store.getState().receiveMessage(mentioning(2));
    store.getState().receiveMessage(mentioning(2));
    store.getState().receiveMessage(message(3));
    store.getState().receiveMessage({ ...mentioning(4), sender: 'me' });
    expect(store.getState().rooms.r1.mentions).toBe(1);
    expect(store.getState().rooms.r1.unread).toBe(2);
  });

  it('clears the mentions my read covers, and all of them when nothing is left unread', () => {
    const store = createChatStore(me);
    store.getState().setRooms([{ ...room(1, 0), mentions: 0 }]);
    store.getState().mergeMessages('r1', [message(1)]);
    store.getState().receiveMessage(mentioning(2));
    store.getState().receiveMessage(mentioning(3));
    expect(store.getState().rooms.r1.mentions).toBe(2);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 2, kind: 'read' });
    expect(store.getState().rooms.r1.mentions).toBe(1);
    // Someone else reading changes nothing of mine.
    store.getState().applyReceipt({ roomId: 'r1', reader: 'them', seq: 3, kind: 'read' });
    expect(store.getState().rooms.r1.mentions).toBe(1);
    // Read in another tab: the server's unread count reaches zero.
    store.getState().setUnread('r1', 0);
    expect(store.getState().rooms.r1.mentions).toBe(0);
  });

  it('takes the mention count the server counted with a read elsewhere that stopped short of the end', () => {
    const store = createChatStore(me);
    store.getState().setRooms([{ ...room(1, 0), mentions: 0 }]);
    store.getState().receiveMessage(mentioning(2));
    store.getState().receiveMessage({ ...mentioning(3), mentions: [] });
    expect(store.getState().rooms.r1.mentions).toBe(1);
    // Another tab read up to the mention: one message unread, none of them mentions.
    store.getState().setUnread('r1', 1, 2, 0);
    expect(store.getState().rooms.r1).toMatchObject({ unread: 1, mentions: 0 });
  });
});

describe('chat store: the others\' receipts', () => {
  it('keeps a receipt that came after the list was read: an older list does not take it back', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(2, 0, message(2, 'me'))]);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'them', seq: 1, kind: 'delivered' });
    store.getState().applyReceipt({ roomId: 'r1', reader: 'them', seq: 2, kind: 'read' });
    // The list read before the receipt (their cursors at 0, 1) arrives after it.
    const older = room(2, 0, message(2, 'me'));
    older.members[1] = { ...older.members[1], readSeq: 0, deliveredSeq: 1 };
    store.getState().setRooms([older]);
    expect(store.getState().rooms.r1.members[1]).toMatchObject({ readSeq: 2, deliveredSeq: 2 });
    // A newer list moves them on.
    const newer = room(3, 0, message(3, 'me'));
    newer.members[1] = { ...newer.members[1], readSeq: 2, deliveredSeq: 3 };
    store.getState().setRooms([newer]);
    expect(store.getState().rooms.r1.members[1]).toMatchObject({ readSeq: 2, deliveredSeq: 3 });
  });
});

describe('chat store: my own read', () => {
  it('clears the unread count it covers at once, before the server answers (offline too)', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(1, 0, message(1))]);
    store.getState().mergeMessages('r1', [message(1)]);
    for (const seq of [2, 3, 4]) store.getState().receiveMessage(message(seq));
    store.getState().receiveMessage(message(5, 'me'));
    expect(store.getState().rooms.r1.unread).toBe(3);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 3, kind: 'read' });
    expect(store.getState().rooms.r1.unread).toBe(1);
    // An older read (a late receipt) brings nothing back.
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 2, kind: 'read' });
    expect(store.getState().rooms.r1.unread).toBe(1);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 5, kind: 'read' });
    expect(store.getState().rooms.r1.unread).toBe(0);
  });

  it('counts no more than the list said when the messages after it are not all held', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(10, 4, message(10))]);
    store.getState().mergeMessages('r1', [message(9), message(10)]);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 8, kind: 'read' });
    expect(store.getState().rooms.r1.unread).toBe(2);
    store.getState().applyReceipt({ roomId: 'r1', reader: 'me', seq: 4, kind: 'read' });
    expect(store.getState().rooms.r1.unread).toBe(2);
  });
});

describe('chat store: a room list that an unread push overtook', () => {
  const withMyRead = (summary: RoomSummary, readSeq: number): RoomSummary => ({
    ...summary,
    members: summary.members.map((member) => (member.handle === 'me' ? { ...member, readSeq, deliveredSeq: readSeq } : member)),
  });

  /** Holds messages 1–3 (listed with my cursor at 1), hears `unread` for a read up to `readSeq`, then gets a list counted before it. */
  const staleListAfterRead = (count: number, readSeq: number) => {
    const store = createChatStore(me);
    store.getState().setRooms([withMyRead(room(1, 0, message(1)), 1)]);
    store.getState().mergeMessages('r1', [message(1), message(2), message(3)]);
    store.getState().setUnread('r1', count, readSeq);
    store.getState().setRooms([withMyRead(room(3, 2, message(3)), 1)]);
    return store.getState().rooms.r1;
  };

  it('keeps what I read since the list was counted, and recounts from there', () => {
    const readAll = staleListAfterRead(0, 3);
    expect(readAll.unread).toBe(0);
    expect(readAll.members.find((member) => member.handle === 'me')?.readSeq).toBe(3);
    // Read up to 2 only: the one message after it still counts.
    expect(staleListAfterRead(1, 2).unread).toBe(1);
  });

  it('keeps the count of my latest read when the count of an earlier one arrives after it (two nodes)', () => {
    const store = createChatStore(me);
    store.getState().setRooms([withMyRead(room(1, 0, message(1)), 1)]);
    store.getState().mergeMessages('r1', [1, 2, 3, 4, 5].map((seq) => message(seq)));
    store.getState().setUnread('r1', 0, 5, 0);
    store.getState().setUnread('r1', 3, 2, 1);
    expect(store.getState().rooms.r1).toMatchObject({ unread: 0, mentions: 0 });
    expect(store.getState().rooms.r1.members.find((member) => member.handle === 'me')?.readSeq).toBe(5);
  });

  it('takes a list counted after my latest read as it is', () => {
    const store = createChatStore(me);
    store.getState().setRooms([withMyRead(room(1, 0, message(1)), 1)]);
    store.getState().setUnread('r1', 0, 1);
    store.getState().setRooms([withMyRead(room(4, 3, message(4)), 1)]);
    expect(store.getState().rooms.r1.unread).toBe(3);
  });
});

describe('chat store: outbox', () => {
  const item = (clientMsgId: string, createdAt = clientMsgId.charCodeAt(0)) => ({ clientMsgId, roomId: 'r1', body: clientMsgId, createdAt, queuedAt: 0, status: 'pending' as const });

  it('puts messages that failed for want of a connection back in order, and leaves refused ones failed', () => {
    const store = createChatStore(me, [item('a'), item('b'), item('c')]);
    store.getState().fail('a', 'no connection', true);
    store.getState().fail('b', 'body: must not be empty');
    store.getState().fail('c', 'no connection', true);
    store.getState().requeueRetryable();
    expect(store.getState().outbox.map((queued) => [queued.clientMsgId, queued.status])).toEqual([
      ['a', 'pending'],
      ['b', 'failed'],
      ['c', 'pending'],
    ]);
  });

  it('keeps messages from other tabs in write order, once each, and holds without offering a retry', () => {
    const store = createChatStore(me, [item('a', 1), item('c', 3)]);
    store.getState().enqueue(item('b', 2));
    store.getState().enqueue(item('a', 1));
    expect(store.getState().outbox.map((queued) => queued.clientMsgId)).toEqual(['a', 'b', 'c']);
    store.getState().hold('b', 'held for review');
    expect(store.getState().outbox[1]).toMatchObject({ status: 'held', error: 'held for review' });
    // Nothing brings a held message back into the queue but its release (which settles it).
    store.getState().requeueRetryable();
    expect(store.getState().outbox[1].status).toBe('held');
    store.getState().settle('b');
    store.getState().settle('b');
    expect(store.getState().outbox.map((queued) => queued.clientMsgId)).toEqual(['a', 'c']);
  });

  it('lets go of a message of mine once the server’s copy is held, whichever way it came (a sync after a lost ack)', () => {
    const store = createChatStore(me, [item('a'), item('b'), item('c')]);
    const stored = (seq: number, clientMsgId: string, sender = 'me') => ({ ...message(seq, sender), clientMsgId });
    store.getState().mergeMessages('r1', [stored(1, 'a'), stored(2, 'c', 'them')]);
    expect(store.getState().outbox.map((queued) => queued.clientMsgId)).toEqual(['b', 'c']);
    store.getState().receiveMessage(stored(3, 'b'));
    // A change to a held copy is not an arrival: only an insert settles.
    store.getState().updateMessages('r1', [stored(2, 'c', 'me')]);
    expect(store.getState().outbox.map((queued) => queued.clientMsgId)).toEqual(['c']);
  });
});

describe('chat store: message state (rich messaging)', () => {
  const at = (seq: number, version: number, change: Partial<ChatMessage> = {}): ChatMessage => ({ ...message(seq), version, ...change });

  it('keeps the copy with the greater version, whichever order the copies come in', () => {
    const store = createChatStore(me);
    store.getState().mergeMessages('r1', [at(1, 1), at(2, 2)]);
    store.getState().updateMessages('r1', [at(1, 5, { body: 'edited', editedAt: '2026-01-01T00:01:00.000Z' })]);
    // An older copy (a history page read before the edit) does not undo it.
    store.getState().mergeMessages('r1', [at(1, 1)]);
    store.getState().updateMessages('r1', [at(1, 3, { body: 'older edit' })]);
    expect(store.getState().messagesByRoom.r1.map((held) => held.body)).toEqual(['edited', 'message 2']);
  });

  it('leaves the state as it is for no changes: nothing listening runs again', () => {
    const store = createChatStore(me);
    store.getState().mergeMessages('r1', [at(1, 1)]);
    let calls = 0;
    store.subscribe(() => calls++);
    store.getState().updateMessages('r1', []);
    expect(calls).toBe(0);
    store.getState().updateMessages('r1', [at(1, 2, { body: 'edited' })]);
    expect(calls).toBe(1);
  });

  it('replaces only held copies: a change to a message older than the loaded pages is not shown above a hole', () => {
    const store = createChatStore(me);
    store.getState().mergeMessages('r1', [at(50, 50)]);
    store.getState().updateMessages('r1', [at(3, 60, { deleted: true, deletedBy: 'sender', body: '' })]);
    store.getState().updateMessages('r2', [{ ...at(1, 2), roomId: 'r2' }]);
    expect(store.getState().messagesByRoom.r1.map((held) => held.seq)).toEqual([50]);
    expect(store.getState().messagesByRoom.r2).toBeUndefined();
  });

  it('keeps the room list preview and a request preview on the newest copy, also across a stale list', () => {
    const store = createChatStore(me);
    store.getState().setRequests([{ roomId: 'r1', from: me, lastMessage: at(2, 2), createdAt: '' }]);
    store.getState().setRooms([room(2, 0, at(2, 2))]);
    store.getState().mergeMessages('r1', [at(2, 2)]);
    store.getState().updateMessages('r1', [at(2, 4, { reactions: [{ emoji: '👍', count: 1, handles: ['them'] }] })]);
    expect(store.getState().rooms.r1.lastMessage?.reactions).toHaveLength(1);
    expect(store.getState().requests[0].lastMessage?.version).toBe(4);
    // A list fetched before the change arrived does not roll the preview back.
    store.getState().setRooms([room(2, 0, at(2, 2))]);
    expect(store.getState().rooms.r1.lastMessage?.version).toBe(4);
    // A change to a room that is listed but not loaded still moves its preview.
    store.getState().updateMessages('r1', [at(2, 6, { deleted: true, deletedBy: 'sender', body: '' })]);
    expect(store.getState().rooms.r1.lastMessage?.deleted).toBe(true);
  });
});

describe('chat store: the copy kept for opening offline (lib/offline-copy.ts)', () => {
  it('keeps the newest messages up to the synced seq, with the versions to catch up from, and restores them', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(80, 0)]);
    store.getState().markVersion('r1', 7);
    store.getState().mergeMessages('r1', Array.from({ length: 70 }, (_, at) => message(at + 1)));
    store.getState().markSynced('r1', 70);
    // A live message past a hole is held, but is not synced: the copy leaves it out.
    store.getState().receiveMessage(message(75));
    const copy = copyOf(store.getState());
    expect(copy.messagesByRoom.r1.map((held) => held.seq)).toEqual(Array.from({ length: OFFLINE_COPY_MESSAGES }, (_, at) => 70 - OFFLINE_COPY_MESSAGES + 1 + at));
    expect(copy.syncedSeq).toEqual({ r1: 70 });
    expect(copy.syncedVersion).toEqual({ r1: 7 });
    expect(copy.rooms.map((listed) => listed.id)).toEqual(['r1']);

    const restored = createChatStore(me);
    restored.getState().restoreCopy(JSON.parse(JSON.stringify(copy)));
    expect(restored.getState().roomsStatus).toBe('ready');
    expect(restored.getState().syncedSeq.r1).toBe(70);
    expect(restored.getState().messagesByRoom.r1).toHaveLength(OFFLINE_COPY_MESSAGES);
  });

  it('never replaces a list that loaded', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(3, 1)]);
    store.getState().restoreCopy({ rooms: [], requests: [], messagesByRoom: {}, syncedSeq: {}, syncedVersion: {} });
    expect(Object.keys(store.getState().rooms)).toEqual(['r1']);
  });
});

describe('chat store: an open group the list drops', () => {
  const group = { ...room(1, 0), kind: 'group' as const, name: 'Team' };
  it('is kept as the left room, so the view can say why it closed, until another opens', () => {
    const store = createChatStore(me);
    store.getState().setRooms([group]);
    store.getState().openRoom('r1');
    store.getState().setRooms([]);
    expect(store.getState().activeRoomId).toBeNull();
    expect(store.getState().leftRoom?.name).toBe('Team');
    store.getState().openRoom(null);
    expect(store.getState().leftRoom).toBeNull();
  });

  it('opens again when the list brings it back (the member was added back), and leaves the dropped list too', () => {
    const store = createChatStore(me);
    const other = { ...group, id: 'r2', name: 'Crew' };
    store.getState().setRooms([group, other]);
    store.getState().openRoom('r1');
    store.getState().setRooms([]);
    expect(store.getState().leftRoom?.name).toBe('Team');
    expect(store.getState().droppedGroups.map((dropped) => dropped.name)).toEqual(['Crew']);
    store.getState().setRooms([group, other]);
    expect(store.getState().activeRoomId).toBe('r1');
    expect(store.getState().leftRoom).toBeNull();
    expect(store.getState().droppedGroups).toEqual([]);
  });

  it('is not set by a group that was not open', () => {
    const store = createChatStore(me);
    store.getState().setRooms([group]);
    store.getState().setRooms([]);
    expect(store.getState().leftRoom).toBeNull();
  });
});

describe('chat store: a deep link to a room the list does not have', () => {
  it('stays open, so the view can say it is not available; a room the list drops closes', () => {
    const store = createChatStore(me);
    store.getState().openRoom('elsewhere');
    store.getState().setRooms([room(1, 0)]);
    expect(store.getState().activeRoomId).toBe('elsewhere');
    // Listed later (added to it meanwhile): it opens as any listed room.
    store.getState().setRooms([room(1, 0), { ...room(1, 0), id: 'elsewhere' }]);
    expect(store.getState().activeRoomId).toBe('elsewhere');
    store.getState().setRooms([room(1, 0)]);
    expect(store.getState().activeRoomId).toBeNull();
  });

  it('an open request answered elsewhere closes when it leaves the requests, unless it became a conversation', () => {
    const request = (roomId: string) => ({ roomId, from: { handle: 'them', displayName: 'Them', avatarUrl: null }, lastMessage: message(1, 'them', roomId), createdAt: message(1).createdAt });
    const store = createChatStore(me);
    store.getState().setRequests([request('ignored'), request('accepted')]);
    store.getState().setRooms([room(1, 0)]);
    store.getState().openRoom('ignored');
    // Ignored (or blocked) in another tab: gone from the requests, and no conversation.
    store.getState().setRequests([request('accepted')]);
    store.getState().setRooms([room(1, 0)]);
    expect(store.getState().activeRoomId).toBeNull();
    store.getState().openRoom('accepted');
    store.getState().setRequests([]);
    store.getState().setRooms([room(1, 0), { ...room(1, 0), id: 'accepted' }]);
    expect(store.getState().activeRoomId).toBe('accepted');
  });
});

describe('chat store: a changed profile (user:updated)', () => {
  it('shows the new name and picture wherever the person is held: members, requests, a draft, and me', () => {
    const store = createChatStore(me);
    store.getState().setRooms([room(1, 0)]);
    store.getState().setRequests([{ roomId: 'r2', from: { handle: 'them', displayName: 'Them', avatarUrl: null }, lastMessage: null, createdAt: '' }]);
    store.getState().openDraft({ handle: 'them', displayName: 'Them', avatarUrl: null });
    const them = { handle: 'them', displayName: 'Them Renamed', avatarUrl: '/api/v1/users/them/avatar?v=a1' };
    store.getState().renameUser(them);
    const state = store.getState();
    expect(state.rooms.r1.members.find((member) => member.handle === 'them')).toMatchObject(them);
    expect(state.requests[0].from).toEqual(them);
    expect(state.draftPeer).toEqual(them);
    expect(state.me).toEqual(me);

    store.getState().renameUser({ ...me, avatarUrl: '/api/v1/users/me/avatar?v=b2' });
    expect(store.getState().me.avatarUrl).toBe('/api/v1/users/me/avatar?v=b2');
    store.getState().renameUser({ ...them, avatarUrl: null });
    expect(store.getState().rooms.r1.members.find((member) => member.handle === 'them')?.avatarUrl).toBeNull();
  });
});

describe('chat store: a draft (a first message to someone)', () => {
  const them = { handle: 'them', displayName: 'Them', avatarUrl: null };

  it('becomes the conversation with them once the list holds it, and leaves other drafts as they are', () => {
    const store = createChatStore(me);
    store.getState().openDraft({ handle: 'other', displayName: 'Other', avatarUrl: null });
    store.getState().setRooms([room(0, 0)]);
    expect(store.getState().draftPeer?.handle).toBe('other');
    expect(store.getState().activeRoomId).toBeNull();

    store.getState().openDraft(them);
    store.getState().setRooms([room(1, 0)]);
    expect(store.getState().draftPeer).toBeNull();
    expect(store.getState().activeRoomId).toBe('r1');
  });
});
