import type { DbClient } from '../db/client-types';

/**
 * Link spam is a stranger problem, so the link rule (new account, too many links) applies only where
 * a sender reaches people who have not accepted them: a message request (a first direct message, or
 * one into a direct conversation the other side has not accepted), or a group the sender joined less
 * than `recentJoinMs` ago. Between two people who have both accepted a direct conversation, and in
 * groups the sender has been in for longer, links are never held. A group invite carries no text: its
 * invitee, once they accept, has joined recently.
 */
export async function linkHoldApplies(db: DbClient, senderId: string, roomId: string | undefined, recentJoinMs: number): Promise<boolean> {
  if (roomId === undefined) return true;
  const room = await db.room.findUnique({
    where: { id: roomId },
    select: { kind: true, members: { select: { userId: true, request: true, joinedAt: true } } },
  });
  if (!room) return true;
  if (room.kind === 'direct') return room.members.some((member) => member.userId !== senderId && member.request !== null);
  const mine = room.members.find((member) => member.userId === senderId);
  return !mine || Date.now() - mine.joinedAt.getTime() < recentJoinMs;
}

/** Whether anyone could decide a held message. Without a moderator a queue would swallow it unread. */
export async function hasModerator(db: DbClient): Promise<boolean> {
  return (await db.user.count({ where: { role: 'admin' } })) > 0;
}
