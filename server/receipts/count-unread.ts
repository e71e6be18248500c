import type { DbClient } from '../db/client-types';
import { Prisma } from '../db/generated/client';
import { notBlockedBySql } from '../safety/visibility';

/**
 * SQL: message `m` is unread for the member `userId` (a column) whose read cursor is `readSeq` (an
 * expression): a text message after the cursor that someone else sent, not removed, and not from
 * someone the member blocked. The one statement of the rule, for every count below and the cursor batch.
 */
export const unreadForMemberSql = (userId: string, readSeq: string) =>
  Prisma.sql`m.seq > ${Prisma.raw(readSeq)} AND m."senderId" <> ${Prisma.raw(userId)} AND m.kind = 'text' AND m."deletedAt" IS NULL
    AND ${notBlockedBySql(userId, 'm."senderId"')}`;

// Of the unread messages, `mentions` counts the ones that mention the member.
// `upTo` (roomId → seq) counts only up to a seq already read elsewhere (the room list's lastSeq), so a
// message stored in between is not counted without being listed.
export async function countUnreadWithMentions(
  db: DbClient,
  userId: string,
  roomId?: string,
  upTo?: Map<string, number>,
): Promise<Map<string, { unread: number; mentions: number }>> {
  const caps = upTo ? JSON.stringify(Object.fromEntries(upTo)) : null;
  const rows = await db.$queryRaw<{ roomId: string; unread: bigint | number; mentions: bigint | number }[]>`
    SELECT m."roomId", COUNT(*) AS unread, COUNT(*) FILTER (WHERE m."mentions" @> ARRAY[u."handle"]) AS mentions
    FROM "RoomMember" rm
    JOIN "User" u ON u."id" = rm."userId"
    JOIN "Message" m ON m."roomId" = rm."roomId" AND ${unreadForMemberSql('rm."userId"', 'rm."readSeq"')}
      AND (${caps}::jsonb IS NULL OR m.seq <= COALESCE((${caps}::jsonb ->> m."roomId")::int, 0))
    WHERE rm."userId" = ${userId} AND (${roomId ?? null}::text IS NULL OR rm."roomId" = ${roomId ?? null}::text)
    GROUP BY m."roomId"`;
  return new Map(rows.map((row) => [row.roomId, { unread: Number(row.unread), mentions: Number(row.mentions) }]));
}
