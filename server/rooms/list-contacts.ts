import type { Contact } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { Prisma } from '../db/generated/client';
import { getDb } from '../runtime';
import { blockedEitherWaySql, sqlColumn } from '../safety/visibility';
import { toPublicUser } from '../users/public-user';

const CONTACT_LIMIT = 15;

/**
 * The 15 people the caller talked with most recently, in direct or group conversations; unread
 * is what is waiting in the direct conversation with each. A message request the caller has not
 * accepted does not make a contact, and nobody on either side of a block is one.
 */
export async function listContacts(actor: Actor): Promise<Contact[]> {
  const rows = await getDb().$queryRaw<
    { handle: string; displayName: string; avatarId: string | null; lastActivityAt: Date; unread: bigint | number }[]
  >`
    WITH mine AS (
      SELECT r.id, r.kind, r."lastMessageAt", rm."readSeq"
      FROM "RoomMember" rm JOIN "Room" r ON r.id = rm."roomId"
      WHERE rm."userId" = ${actor.userId} AND rm.request IS NULL
    ), partners AS (
      SELECT other."userId", MAX(mine."lastMessageAt") AS "lastActivityAt"
      FROM mine JOIN "RoomMember" other ON other."roomId" = mine.id AND other."userId" <> ${actor.userId}
      WHERE NOT ${blockedEitherWaySql(Prisma.sql`${actor.userId}`, sqlColumn('other."userId"'))}
        -- A deleted account is nobody to add or write to.
        AND NOT EXISTS (SELECT 1 FROM "User" gone WHERE gone.id = other."userId" AND gone."deletedAt" IS NOT NULL)
      GROUP BY other."userId"
      ORDER BY "lastActivityAt" DESC
      LIMIT ${CONTACT_LIMIT}
    )
    SELECT u.handle, u."displayName", u."avatarId", p."lastActivityAt",
      (SELECT COUNT(*) FROM mine JOIN "RoomMember" them ON them."roomId" = mine.id AND them."userId" = p."userId"
        JOIN "Message" m ON m."roomId" = mine.id AND m.seq > mine."readSeq" AND m."senderId" = p."userId"
          AND m.kind = 'text' AND m."deletedAt" IS NULL
        WHERE mine.kind = 'direct') AS unread
    FROM partners p JOIN "User" u ON u.id = p."userId"
    ORDER BY p."lastActivityAt" DESC, u.handle`;
  return rows.map((row) => ({
    ...toPublicUser(row),
    lastActivityAt: new Date(row.lastActivityAt).toISOString(),
    unread: Number(row.unread),
  }));
}
