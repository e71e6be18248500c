import { beforeAll, describe, expect, it } from 'vitest';
import { getRoomSummary, listRooms } from '@/server/rooms/list-rooms';
import { ConcurrencyLimit } from '@/server/ops/concurrency-limit';
import { setRuntime } from '@/server/runtime';
import { useCountedStatements } from '../helpers/counted-statements';
import { insertUser, useTestDatabase } from '../helpers/in-process-runtime';

// A member of a big group lists every member of it on each room list (`members` is part of GET /rooms):
// the rosters of all listed rooms are one statement, the caller's own notification settings with them,
// where an include joined every member's user and notification row in the client.
const database = useTestDatabase();
const counted = useCountedStatements();
const { statements } = counted;

beforeAll(() => {
  setRuntime({ db: counted.db, rosterReads: new ConcurrencyLimit(1, 10) } as unknown as Parameters<typeof setRuntime>[0]);
});

const actorOf = (user: { id: string; handle: string; displayName: string; createdAt: Date }) => ({
  userId: user.id, handle: user.handle, displayName: user.displayName, avatarId: null, sessionId: 'test', role: 'user', createdAt: user.createdAt,
});

describe('room list rosters', () => {
  it('lists each room with its members in join order, owner and the caller\'s settings, the rosters in one statement', async () => {
    const db = database.db;
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => insertUser(db, name, name.toUpperCase())));
    database.userIds.push(alice.id, bob.id, carol.id, dave.id);
    const joined = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
    const group = await db.room.create({
      data: {
        kind: 'group', name: 'four', ownerId: carol.id, lastSeq: 2, lastMessageAt: joined(10),
        // Join order is not insertion order: dave joined first, alice last.
        members: { create: [{ userId: alice.id, joinedAt: joined(4), readSeq: 2, deliveredSeq: 2 }, { userId: bob.id, joinedAt: joined(2), readSeq: 1, deliveredSeq: 2 }, { userId: carol.id, joinedAt: joined(3) }, { userId: dave.id, joinedAt: joined(1) }] },
      },
    });
    const direct = await db.room.create({
      data: { kind: 'direct', lastSeq: 0, lastMessageAt: joined(5), members: { create: [{ userId: alice.id, joinedAt: joined(1) }, { userId: bob.id, joinedAt: joined(1) }] } },
    });
    database.roomIds.push(group.id, direct.id);
    await db.message.createMany({
      data: [1, 2].map((seq) => ({ roomId: group.id, seq, senderId: bob.id, clientMsgId: `c${seq}`, body: `hello ${seq}` })),
    });
    // Alice muted the group for a while; bob's own settings there must not leak into alice's list.
    const muteUntil = new Date(Date.now() + 3_600_000);
    await db.roomNotification.create({ data: { roomId: group.id, userId: alice.id, level: 'mute', muteUntil } });
    await db.roomNotification.create({ data: { roomId: group.id, userId: bob.id, level: 'all' } });

    statements.length = 0;
    const rooms = await listRooms(actorOf(alice));
    const listStatements = [...statements];
    expect(rooms.map((room) => room.id)).toEqual([group.id, direct.id]);
    const [listedGroup, listedDirect] = rooms;
    expect(listedGroup).toMatchObject({
      kind: 'group', name: 'four', owner: carol.handle, closed: false, lastSeq: 2, unread: 0,
      notifications: { level: 'mute', muteUntil: muteUntil.toISOString() },
      members: [
        { handle: dave.handle, displayName: 'DAVE', readSeq: 0, deliveredSeq: 0 },
        { handle: bob.handle, displayName: 'BOB', readSeq: 1, deliveredSeq: 2 },
        { handle: carol.handle, displayName: 'CAROL', readSeq: 0, deliveredSeq: 0 },
        { handle: alice.handle, displayName: 'ALICE', readSeq: 2, deliveredSeq: 2 },
      ],
    });
    expect(listedGroup.lastMessage).toMatchObject({ seq: 2, body: 'hello 2' });
    expect(listedDirect).toMatchObject({ kind: 'direct', owner: null, notifications: { level: 'all', muteUntil: null }, lastMessage: null });
    expect(listedDirect.members.map((member) => member.handle).sort()).toEqual([alice.handle, bob.handle].sort());
    // Bob sees his own settings, and one room's summary is the list's entry for it.
    expect((await getRoomSummary(actorOf(bob), group.id)).notifications).toEqual({ level: 'all', muteUntil: null });
    expect(await getRoomSummary(actorOf(alice), group.id)).toEqual(listedGroup);

    // The list's rosters: one statement reads the members with their users and the caller's settings
    // (before, an include read every member's notification row in a statement of its own).
    const settingsReads = listStatements.filter((sql) => sql.includes('RoomNotification'));
    expect(settingsReads).toHaveLength(1);
    expect(settingsReads[0]).toMatch(/"RoomMember"[\s\S]*"User"/);
  });
});
