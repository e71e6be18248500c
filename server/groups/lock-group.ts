import { AppError } from '@/lib/errors';
import type { Tx } from '../db/client-types';

/**
 * Locks a group's row for the rest of the transaction and re-reads who owns it: membership changes
 * and owner handovers on one group then happen one after another, even across nodes, and each
 * decides on what is true at that moment rather than on what it read before.
 */
export async function lockGroup(tx: Tx, roomId: string, actorId: string) {
  const [room] = await tx.$queryRaw<{ ownerId: string | null; lastSeq: number; name: string | null }[]>`
    SELECT "ownerId", "lastSeq", "name" FROM "Room" WHERE "id" = ${roomId} AND "kind" = 'group' FOR UPDATE`;
  const actorIsMember = room && (await tx.roomMember.count({ where: { roomId, userId: actorId } })) > 0;
  if (!room || !actorIsMember) throw new AppError('not_found', 'No such group.');
  return { ownerId: room.ownerId, lastSeq: Number(room.lastSeq), name: room.name };
}
