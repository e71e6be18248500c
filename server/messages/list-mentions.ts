import type { z } from 'zod';
import type { mentionsQuerySchema } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { Prisma } from '../db/generated/client';
import { getDb } from '../runtime';
import { FINDABLE, loadHits } from './message-hits';

/** Messages that mention the caller, newest first, from the rooms they are in; `beforeId` continues after one. */
export async function listMentions(actor: Actor, input: z.infer<typeof mentionsQuerySchema>) {
  const db = getDb();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "Message" m
    JOIN "RoomMember" rm ON rm."roomId" = m."roomId" AND rm."userId" = ${actor.userId}
    JOIN "Room" r ON r."id" = m."roomId"
    WHERE m."mentions" @> ARRAY[${actor.handle}::text] AND m."senderId" <> ${actor.userId}
      AND ${Prisma.raw(FINDABLE)}
      AND (${input.beforeId ?? null}::text IS NULL OR (m."createdAt", m."id") < (
        SELECT c."createdAt", c."id" FROM "Message" c WHERE c."id" = ${input.beforeId ?? null}::text))
    ORDER BY m."createdAt" DESC, m."id" DESC
    LIMIT ${input.limit + 1}`;
  const results = await loadHits(db, actor.userId, rows.slice(0, input.limit).map((row) => row.id));
  return { results, hasMore: rows.length > input.limit };
}
