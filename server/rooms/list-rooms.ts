import { AppError } from '@/lib/errors';
import type { RoomSummary } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { ChatMessage } from '@/lib/schemas';
import { type MessageRow, messageInclude, toChatMessages } from '../messages/chat-message';
import { countUnreadWithMentions } from '../receipts/count-unread';
import type { DbClient } from '../db/client-types';
import { getDb, getRuntime } from '../runtime';
import { blockedEitherWay } from '../safety/block-relations';
import { roomNotificationsView } from '../notifications/notification-settings';
import { hidesCursorsFrom, visibleToViewer } from '../safety/visibility';
import { toPublicUser } from '../users/public-user';

// The preview is the newest message the caller may see (not from someone they blocked). A deleted one
// is it too, without its text ("Message deleted"), as the live list shows it. The rosters come from
// rostersOf, not from an include.
const summaryInclude = (callerId: string) => ({
  messages: {
    where: visibleToViewer(callerId),
    orderBy: { seq: 'desc' as const },
    take: 1,
    include: messageInclude,
  },
});

/** The caller's conversations, most recent activity first, each with its unread count. */
export function listRooms(actor: Actor): Promise<RoomSummary[]> {
  // A list carries every roster in full: admitted a few at a time, so a crowd of callers in big groups
  // gets 503s instead of holding all their lists in memory at once.
  return getRuntime().rosterReads.run(() => buildRoomList(actor));
}

async function buildRoomList(actor: Actor): Promise<RoomSummary[]> {
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
  const [counts, hidden, previews, rosters, invited] = await Promise.all([
    countUnreadWithMentions(db, actor.userId, undefined, upTo),
    blockedEitherWay(db, actor.userId),
    previewsOf(actor, rooms),
    rostersOf(db, actor.userId, rooms.map((room) => room.id)),
    invitedTo(db, actor.userId, rooms),
  ]);
  return rooms.map((room) => toRoomSummary(room, rosters.get(room.id), counts.get(room.id), previews.get(room.id) ?? null, actor.userId, hidden, invited));
}

/**
 * One room as the caller sees it in their list. Not held back by rosterReads: it answers a write that
 * has already happened (a new group), which a 503 would tell the client to make again.
 */
export async function getRoomSummary(actor: Actor, roomId: string): Promise<RoomSummary> {
  const db = getDb();
  const room = await db.room.findFirst({
    where: { id: roomId, members: { some: { userId: actor.userId } } },
    include: summaryInclude(actor.userId),
  });
  if (!room) throw new AppError('not_found', 'No such conversation.');
  const upTo = new Map([[room.id, room.lastSeq]]);
  const [counts, hidden, previews, rosters, invited] = await Promise.all([
    countUnreadWithMentions(db, actor.userId, roomId, upTo),
    blockedEitherWay(db, actor.userId),
    previewsOf(actor, [room]),
    rostersOf(db, actor.userId, [room.id]),
    invitedTo(db, actor.userId, [room]),
  ]);
  return toRoomSummary(room, rosters.get(room.id), counts.get(roomId), previews.get(roomId) ?? null, actor.userId, hidden, invited);
}

async function previewsOf(actor: Actor, rooms: { messages: MessageRow[] }[]): Promise<Map<string, ChatMessage>> {
  const views = await toChatMessages(getDb(), actor.userId, rooms.flatMap((room) => room.messages));
  return new Map(views.map((message) => [message.roomId, message]));
}

type RoomWithSummary = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>['room']['findFirst']>>> & { messages: MessageRow[] };

/** A member of a listed room as the roster statement gives it: [userId, handle, displayName, readSeq, deliveredSeq, request, avatarId, joinedSeq, deleted]. */
type RosterMember = [
  userId: string,
  handle: string,
  displayName: string,
  readSeq: number,
  deliveredSeq: number,
  request: string | null,
  avatarId: string | null,
  joinedSeq: number,
  deleted: boolean,
];

/** A listed room's members in join order, and the caller's own notification setting for it. */
type Roster = { members: RosterMember[]; level: string | null; muteUntil: Date | null };

/**
 * The rosters of the listed rooms, in one statement, by room. Each roster comes back as one JSON value
 * built by Postgres: a member of a 10,000-member group had the node parse 10,000 rows of nine columns
 * for each list (Prisma's include, joining in the client, was worse still: ~40 ms for 1,000 members).
 */
async function rostersOf(db: DbClient, callerId: string, roomIds: string[]): Promise<Map<string, Roster>> {
  if (roomIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ roomId: string; members: string; level: string | null; muteUntil: Date | null }[]>`
    SELECT rm."roomId",
      json_agg(json_build_array(rm."userId", u."handle", u."displayName", rm."readSeq", rm."deliveredSeq", rm."request", u."avatarId", rm."joinedSeq", u."deletedAt" IS NOT NULL)
        ORDER BY rm."joinedAt", rm."userId")::text AS "members",
      max(n."level") AS "level", max(n."muteUntil") AS "muteUntil"
    FROM "RoomMember" rm
    JOIN "User" u ON u."id" = rm."userId"
    LEFT JOIN "RoomNotification" n ON n."roomId" = rm."roomId" AND n."userId" = rm."userId" AND rm."userId" = ${callerId}
    WHERE rm."roomId" = ANY(${roomIds}::text[])
    GROUP BY rm."roomId"`;
  return new Map(rows.map((row) => [row.roomId, { members: JSON.parse(row.members), level: row.level, muteUntil: row.muteUntil }]));
}

/** The open invites (handles, oldest first) of the listed groups the caller owns: only the owner sees whom they asked. */
async function invitedTo(db: DbClient, callerId: string, rooms: { id: string; kind: string; ownerId: string | null }[]): Promise<Map<string, string[]>> {
  const owned = rooms.filter((room) => room.kind === 'group' && room.ownerId === callerId).map((room) => room.id);
  const invited = new Map(owned.map((roomId) => [roomId, [] as string[]]));
  if (owned.length === 0) return invited;
  const invites = await db.groupInvite.findMany({
    where: { roomId: { in: owned } },
    select: { roomId: true, user: { select: { handle: true } } },
    orderBy: { createdAt: 'asc' },
  });
  for (const invite of invites) invited.get(invite.roomId)!.push(invite.user.handle);
  return invited;
}

function toRoomSummary(
  room: RoomWithSummary,
  roster: Roster | undefined,
  counts: { unread: number; mentions: number } | undefined,
  lastMessage: ChatMessage | null,
  callerId: string,
  blocked: Set<string>,
  invited: Map<string, string[]>,
): RoomSummary {
  const isGroup = room.kind === 'group';
  const members = roster?.members ?? [];
  // Cursors show activity: none across a block, and none from a request's recipient before they accept.
  const hidesActivity = (userId: string, request: string | null) => hidesCursorsFrom(callerId, blocked, { userId, request });
  return {
    id: room.id,
    kind: isGroup ? 'group' : 'direct',
    name: room.name,
    members: members.map(([userId, handle, displayName, readSeq, deliveredSeq, request, avatarId, joinedSeq, deleted]) => ({
      ...toPublicUser({ handle, displayName, avatarId }),
      readSeq: hidesActivity(userId, request) ? 0 : readSeq,
      deliveredSeq: hidesActivity(userId, request) ? 0 : deliveredSeq,
      joinedSeq,
      ...(deleted && { deleted: true }),
    })),
    owner: members.find(([userId]) => userId === room.ownerId)?.[1] ?? null,
    closed: isGroup && members.length < 2,
    lastMessage,
    lastSeq: room.lastSeq,
    unread: counts?.unread ?? 0,
    version: room.version,
    mentions: counts?.mentions ?? 0,
    notifications: roomNotificationsView(room.kind, roster ? { level: roster.level, muteUntil: roster.muteUntil } : null),
    ...(invited.has(room.id) && { invited: invited.get(room.id) }),
  };
}
