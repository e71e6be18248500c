import { AppError } from '@/lib/errors';
import type { RoomSummary } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { messageInclude, toChatMessage } from '../messages/chat-message';
import { countUnreadByRoom } from '../receipts/count-unread';
import { getDb } from '../runtime';
import { blockedEitherWay } from '../safety/block-relations';

// The preview is the newest message the caller may see: not removed, not from someone they blocked.
const summaryInclude = (callerId: string) => ({
  members: { include: { user: { select: { id: true, handle: true, displayName: true } } }, orderBy: { joinedAt: 'asc' as const } },
  messages: {
    where: { deletedAt: null, sender: { blockedBy: { none: { blockerId: callerId } } } },
    orderBy: { seq: 'desc' as const },
    take: 1,
    include: messageInclude,
  },
});

/** The caller's conversations, most recent activity first, each with its unread count. */
export async function listRooms(actor: Actor): Promise<RoomSummary[]> {
  const db = getDb();
  // Message requests (pending or ignored) are listed by GET /requests instead.
  const rooms = await db.room.findMany({
    where: { members: { some: { userId: actor.userId, request: null } } },
    include: summaryInclude(actor.userId),
    orderBy: { lastMessageAt: 'desc' },
  });
  // Unread is counted up to each room's lastSeq as read above: a message stored between the two reads
  // would otherwise be counted but not listed, and the client, seeing it arrive live past lastSeq,
  // would count it a second time.
  const upTo = new Map(rooms.map((room) => [room.id, room.lastSeq]));
  const [unread, hidden] = await Promise.all([countUnreadByRoom(db, actor.userId, undefined, upTo), blockedEitherWay(db, actor.userId)]);
  return rooms.map((room) => toRoomSummary(room, unread.get(room.id) ?? 0, actor.userId, hidden));
}

/** One room as the caller sees it in their list. */
export async function getRoomSummary(actor: Actor, roomId: string): Promise<RoomSummary> {
  const db = getDb();
  const room = await db.room.findFirst({
    where: { id: roomId, members: { some: { userId: actor.userId } } },
    include: summaryInclude(actor.userId),
  });
  if (!room) throw new AppError('not_found', 'No such conversation.');
  const upTo = new Map([[room.id, room.lastSeq]]);
  const [unread, hidden] = await Promise.all([countUnreadByRoom(db, actor.userId, roomId, upTo), blockedEitherWay(db, actor.userId)]);
  return toRoomSummary(room, unread.get(roomId) ?? 0, actor.userId, hidden);
}

type RoomWithSummary = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>['room']['findFirst']>>> & {
  members: { readSeq: number; deliveredSeq: number; request: string | null; user: { id: string; handle: string; displayName: string } }[];
  messages: Parameters<typeof toChatMessage>[0][];
};

function toRoomSummary(room: RoomWithSummary, unread: number, callerId: string, blocked: Set<string>): RoomSummary {
  const isGroup = room.kind === 'group';
  // Cursors show activity: none across a block, and none from a request's recipient before they accept.
  const hidesActivity = (member: RoomWithSummary['members'][number]) =>
    member.user.id !== callerId && (blocked.has(member.user.id) || member.request !== null);
  return {
    id: room.id,
    kind: isGroup ? 'group' : 'direct',
    name: room.name,
    members: room.members.map((member) => ({
      handle: member.user.handle,
      displayName: member.user.displayName,
      readSeq: hidesActivity(member) ? 0 : member.readSeq,
      deliveredSeq: hidesActivity(member) ? 0 : member.deliveredSeq,
    })),
    owner: room.members.find((member) => member.user.id === room.ownerId)?.user.handle ?? null,
    closed: isGroup && room.members.length < 2,
    lastMessage: room.messages[0] ? toChatMessage(room.messages[0]) : null,
    lastSeq: room.lastSeq,
    unread,
  };
}
