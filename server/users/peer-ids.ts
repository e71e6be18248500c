import type { DbClient } from '../db/client-types';

/**
 * Everyone who shares a conversation with the user (group members and direct partners). A message
 * request not yet accepted does not count, on either side: strangers learn nothing from it.
 */
export async function peerIds(db: DbClient, userId: string): Promise<string[]> {
  const peers = await db.roomMember.findMany({
    where: { room: { members: { some: { userId, request: null } } }, userId: { not: userId }, request: null },
    select: { userId: true },
    distinct: ['userId'],
  });
  return peers.map((peer) => peer.userId);
}
