import type { DbClient } from '../db/client-types';

/** The user ids to deliver a room's events to. */
export async function roomMemberIds(db: DbClient, roomId: string): Promise<string[]> {
  const members = await db.roomMember.findMany({ where: { roomId }, select: { userId: true } });
  return members.map((member) => member.userId);
}
