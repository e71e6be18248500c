import type { DbClient } from '../db/client-types';

/** The user ids to deliver a room's events to. */
export async function roomMemberIds(db: DbClient, roomId: string): Promise<string[]> {
  const members = await db.roomMember.findMany({ where: { roomId }, select: { userId: true } });
  return members.map((member) => member.userId);
}

/** The members a sender's message goes to: everyone in the room except those who blocked the sender. */
export async function messageAudience(db: DbClient, roomId: string, senderId: string): Promise<string[]> {
  const members = await db.roomMember.findMany({
    where: { roomId, user: { blocking: { none: { blockedId: senderId } } } },
    select: { userId: true },
  });
  return members.map((member) => member.userId);
}
