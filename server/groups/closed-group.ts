import type { DbClient } from '../db/client-types';

/**
 * A group left with one member is closed: it takes no messages until someone is added (docs/protocol.md).
 * The batched send path says the same in SQL (append-batch.ts), and the room list from its members.
 */
export async function isClosedGroup(db: DbClient, roomId: string): Promise<boolean> {
  return (await db.roomMember.count({ where: { roomId }, take: 2 })) < 2;
}
