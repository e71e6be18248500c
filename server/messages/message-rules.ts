import { Prisma } from '../db/generated/client';

// Each rule is one SQL fragment, used by the group-commit send, the careful send and edits alike.

/**
 * Of the handles a body names (lib/mentions.ts), those of the room's members: only they count as
 * mentioned (a mention of an outsider would notify nobody and leak nothing but must not be stored).
 * A body that names nobody (most of them) skips the look-up: the planner cannot tell an empty list from
 * a long one, and its plan for the join scanned every user once per message stored.
 */
export const mentionedMembers = (roomId: Prisma.Sql, candidates: Prisma.Sql) => Prisma.sql`CASE WHEN cardinality(${candidates}) > 0 THEN ARRAY(
  SELECT u."handle" FROM "RoomMember" mrm JOIN "User" u ON u."id" = mrm."userId"
  WHERE mrm."roomId" = ${roomId} AND u."handle" = ANY(${candidates}) ORDER BY u."handle") ELSE '{}'::text[] END`;

/** A reply may quote any message of the same conversation (a deleted one too: its quote shows it). */
export const replyTargetMissing = (roomId: Prisma.Sql, replyToId: Prisma.Sql) => Prisma.sql`(${replyToId} IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM "Message" rt WHERE rt."id" = ${replyToId} AND rt."roomId" = ${roomId}))`;
