import type { DbClient } from '../db/client-types';
import { roomMemberIds } from '../rooms/room-members';
import { blockedEitherWay } from './block-relations';

/**
 * The room's other members who may see what the user does there (receipts, typing): everyone but
 * the user and anyone on either side of a block with them.
 */
export async function unblockedRoomPeers(db: DbClient, roomId: string, userId: string): Promise<string[]> {
  const [members, hidden] = await Promise.all([roomMemberIds(db, roomId), blockedEitherWay(db, userId)]);
  return members.filter((id) => id !== userId && !hidden.has(id));
}
