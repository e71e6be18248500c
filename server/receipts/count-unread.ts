import type { DbClient } from '../db/client-types';

// Unread = text messages after the member's read cursor that someone else sent, not removed, and
// not from someone the member blocked. `upTo` (roomId → seq) counts only up to a seq already read
// elsewhere (the room list's lastSeq), so a message stored in between is not counted without being listed.
export async function countUnreadByRoom(db: DbClient, userId: string, roomId?: string, upTo?: Map<string, number>): Promise<Map<string, number>> {
  const caps = upTo ? JSON.stringify(Object.fromEntries(upTo)) : null;
  const rows = await db.$queryRaw<{ roomId: string; unread: bigint | number }[]>`
    SELECT m."roomId", COUNT(*) AS unread
    FROM "RoomMember" rm
    JOIN "Message" m ON m."roomId" = rm."roomId" AND m.seq > rm."readSeq"
      AND m."senderId" <> rm."userId" AND m.kind = 'text' AND m."deletedAt" IS NULL
      AND (${caps}::jsonb IS NULL OR m.seq <= COALESCE((${caps}::jsonb ->> m."roomId")::int, 0))
      AND NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."blockerId" = rm."userId" AND b."blockedId" = m."senderId")
    WHERE rm."userId" = ${userId} AND (${roomId ?? null}::text IS NULL OR rm."roomId" = ${roomId ?? null}::text)
    GROUP BY m."roomId"`;
  return new Map(rows.map((row) => [row.roomId, Number(row.unread)]));
}

export async function countUnread(db: DbClient, userId: string, roomId: string): Promise<number> {
  return (await countUnreadByRoom(db, userId, roomId)).get(roomId) ?? 0;
}
