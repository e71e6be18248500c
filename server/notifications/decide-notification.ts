import { composeNotification, effectiveLevel } from '@/lib/notification-rules';
import type { PrismaClient } from '../db/generated/client';
import { blockedEitherWay } from '../safety/block-relations';
import type { PushPayload } from './job-queue';
import { toSettingsView } from './notification-settings';

export type Decision = { payload: PushPayload; subscriptionIds: string[] } | null;

/**
 * What, if anything, to push to one user about one room, once the delay is over: the messages from
 * others since both their read cursor and the last push, minus anything from someone on either side
 * of a block, filtered by the room's level and the user's settings. Every message is accounted for
 * once: the claim on `notifiedSeq` is conditional, so a second job (another node, a retry) finds
 * nothing left. A message the rules suppress is accounted for too (it never pushes later).
 * Not claimed while the user is looking at the room: they are reading it, and their read decides.
 */
export async function decideNotification(
  db: PrismaClient,
  userId: string,
  roomId: string,
  isViewing: (userId: string, roomId: string) => Promise<boolean>,
  now = new Date(),
): Promise<Decision> {
  const member = await db.roomMember.findUnique({
    where: { roomId_userId: { roomId, userId } },
    include: { room: { select: { kind: true, name: true } }, user: { select: { handle: true, notificationSettings: true } }, notification: true },
  });
  if (!member) return null;
  const after = Math.max(member.readSeq, member.notification?.notifiedSeq ?? 0);
  const fresh = await db.message.findMany({
    where: { roomId, seq: { gt: after } },
    orderBy: { seq: 'asc' },
    select: {
      seq: true,
      kind: true,
      body: true,
      mentions: true,
      senderId: true,
      deletedAt: true,
      sender: { select: { displayName: true } },
      attachments: { select: { name: true }, orderBy: { position: 'asc' } },
    },
  });
  if (fresh.length === 0 || (await isViewing(userId, roomId))) return null;

  const hidden = await blockedEitherWay(db, userId);
  const candidates = fresh.filter(
    (message) => message.kind === 'text' && !message.deletedAt && message.senderId !== userId && !hidden.has(message.senderId),
  );
  // The rules themselves are shared with the page's own alert (lib/notification-rules.ts). Mentions are
  // the ones stored with the message (lib/mentions.ts, members only): the same ones its reader sees marked.
  const shown = composeNotification(
    candidates.map((message) => ({ senderName: message.sender.displayName, body: message.body, mentions: message.mentions, attachments: message.attachments })),
    {
      handle: member.user.handle,
      level: effectiveLevel(member.room.kind, member.notification, now),
      request: member.request === 'pending' || member.request === 'ignored' ? member.request : null,
      roomName: member.room.name,
      settings: member.user.notificationSettings && toSettingsView(member.user.notificationSettings),
    },
    now,
  );

  if (!(await claim(db, roomId, userId, fresh.at(-1)!.seq)) || !shown) return null;

  const subscriptions = await db.pushSubscription.findMany({
    where: { userId, session: { revokedAt: null } },
    select: { id: true },
  });
  if (subscriptions.length === 0) return null;
  const payload: PushPayload = { ...shown, roomId, url: `/c/${roomId}`, tag: `room:${roomId}` };
  return { payload, subscriptionIds: subscriptions.map((subscription) => subscription.id) };
}

/** Moves notifiedSeq up to `seq`; false when another job already got there. */
async function claim(db: PrismaClient, roomId: string, userId: string, seq: number): Promise<boolean> {
  const claimed = await db.$executeRaw`
    INSERT INTO "RoomNotification" ("roomId", "userId", "notifiedSeq") VALUES (${roomId}, ${userId}, ${seq})
    ON CONFLICT ("roomId", "userId") DO UPDATE SET "notifiedSeq" = EXCLUDED."notifiedSeq"
    WHERE "RoomNotification"."notifiedSeq" < EXCLUDED."notifiedSeq"`;
  return claimed > 0;
}
