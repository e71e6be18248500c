import type { DbClient } from '../db/client-types';
import { notBlockedBySql } from '../safety/visibility';

// Unread = text messages after the member's read cursor that someone else sent, not removed, and
// not from someone the member blocked.
export async function countUnreadByRoom(db: DbClient, userId: string, roomId?: string): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ roomId: string; unread: bigint | number }[]>`
    SELECT m."roomId", COUNT(*) AS unread
    FROM "RoomMember" rm
    JOIN "Message" m ON m."roomId" = rm."roomId" AND m.seq > rm."readSeq"
      AND m."senderId" <> rm."userId" AND m.kind = 'text' AND m."deletedAt" IS NULL
      AND ${notBlockedBySql('rm."userId"', 'm."senderId"')}
    WHERE rm."userId" = ${userId} AND (${roomId ?? null}::text IS NULL OR rm."roomId" = ${roomId ?? null}::text)
    GROUP BY m."roomId"`;
  return new Map(rows.map((row) => [row.roomId, Number(row.unread)]));
}

export async function countUnread(db: DbClient, userId: string, roomId: string): Promise<number> {
  return (await countUnreadByRoom(db, userId, roomId)).get(roomId) ?? 0;
}
