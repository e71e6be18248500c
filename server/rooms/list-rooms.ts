import { AppError } from '@/lib/errors';
import type { RoomSummary } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { ChatMessage } from '@/lib/schemas';
import { type MessageRow, messageInclude, toChatMessages } from '../messages/chat-message';
import { countUnreadWithMentions } from '../receipts/count-unread';
import { getDb } from '../runtime';
import { blockedEitherWay } from '../safety/block-relations';
import { roomNotificationsView } from '../notifications/notification-settings';
import { hidesCursorsFrom, visibleToViewer } from '../safety/visibility';

// The preview is the newest message the caller may see: not removed, not from someone they blocked.
const summaryInclude = (callerId: string) => ({
  members: { include: { user: { select: { id: true, handle: true, displayName: true } }, notification: true }, orderBy: { joinedAt: 'asc' as const } },
  messages: {
    where: { deletedAt: null, ...visibleToViewer(callerId) },
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
  const [counts, hidden, previews] = await Promise.all([
    countUnreadWithMentions(db, actor.userId, undefined, upTo),
    blockedEitherWay(db, actor.userId),
    previewsOf(actor, rooms),
  ]);
  return rooms.map((room) => toRoomSummary(room, counts.get(room.id), previews.get(room.id) ?? null, actor.userId, hidden));
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
  const [counts, hidden, previews] = await Promise.all([
    countUnreadWithMentions(db, actor.userId, roomId, upTo),
    blockedEitherWay(db, actor.userId),
    previewsOf(actor, [room]),
  ]);
  return toRoomSummary(room, counts.get(roomId), previews.get(roomId) ?? null, actor.userId, hidden);
}

async function previewsOf(actor: Actor, rooms: { messages: MessageRow[] }[]): Promise<Map<string, ChatMessage>> {
  const views = await toChatMessages(getDb(), actor.userId, rooms.flatMap((room) => room.messages));
  return new Map(views.map((message) => [message.roomId, message]));
}

type RoomWithSummary = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>['room']['findFirst']>>> & {
  members: {
    readSeq: number;
    deliveredSeq: number;
    request: string | null;
    user: { id: string; handle: string; displayName: string };
    notification: { level: string | null; muteUntil: Date | null } | null;
  }[];
  messages: MessageRow[];
};

function toRoomSummary(
  room: RoomWithSummary,
  counts: { unread: number; mentions: number } | undefined,
  lastMessage: ChatMessage | null,
  callerId: string,
  blocked: Set<string>,
): RoomSummary {
  const isGroup = room.kind === 'group';
  // Cursors show activity: none across a block, and none from a request's recipient before they accept.
  const hidesActivity = (member: RoomWithSummary['members'][number]) => hidesCursorsFrom(callerId, blocked, { userId: member.user.id, request: member.request });
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
    lastMessage,
    lastSeq: room.lastSeq,
    unread: counts?.unread ?? 0,
    version: room.version,
    mentions: counts?.mentions ?? 0,
    notifications: roomNotificationsView(room.kind, room.members.find((member) => member.user.id === callerId)?.notification ?? null),
  };
}
