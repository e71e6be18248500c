import type { DbClient } from '../db/client-types';

/**
 * Moves a member's cursor forward only (GREATEST), so late or duplicate reports from several tabs
 * cannot move it back. Reading implies delivery, so a read cursor drags the delivered one along.
 * Returns whether anything moved.
 */
export async function advanceCursor(
  db: DbClient,
  roomId: string,
  userId: string,
  cursor: 'readSeq' | 'deliveredSeq',
  seq: number,
): Promise<boolean> {
  const changed =
    cursor === 'readSeq'
      ? await db.$executeRaw`UPDATE "RoomMember"
          SET "readSeq" = ${seq}, "deliveredSeq" = GREATEST("deliveredSeq", ${seq})
          WHERE "roomId" = ${roomId} AND "userId" = ${userId} AND "readSeq" < ${seq}`
      : await db.$executeRaw`UPDATE "RoomMember" SET "deliveredSeq" = ${seq}
          WHERE "roomId" = ${roomId} AND "userId" = ${userId} AND "deliveredSeq" < ${seq}`;
  return changed > 0;
}
