import { composeNotification, effectiveLevel, notifyingMessages, type NotifyContext } from '@/lib/notification-rules';
import type { PrismaClient } from '../db/generated/client';
import { blockedEitherWay } from '../safety/block-relations';
import { fromLiveAccount } from '../safety/message-requests';
import type { PushPayload, PushScope } from './job-queue';
import { toSettingsView } from './notification-settings';

export type Decision = { scope: PushScope; subscriptionIds: string[] } | null;

/**
 * What, if anything, to push to one user about one room, once the delay is over: the messages from
 * others since both their read cursor and the last push (`scope`), composed by `composePush`. Every
 * message is accounted for once: the claim on `notifiedSeq` is conditional, so a second job (another
 * node, a retry) finds nothing left. A message the rules suppress is accounted for too (it never pushes
 * later). Not claimed while the user is looking at the room: they are reading it, and their read decides.
 */
export async function decideNotification(
  db: PrismaClient,
  userId: string,
  roomId: string,
  isViewing: (userId: string, roomId: string) => Promise<boolean>,
  now = new Date(),
): Promise<Decision> {
  const member = await db.roomMember.findUnique({ where: { roomId_userId: { roomId, userId } }, select: { readSeq: true, notification: { select: { notifiedSeq: true } } } });
  if (!member) return null;
  const afterSeq = Math.max(member.readSeq, member.notification?.notifiedSeq ?? 0);
  const newest = await db.message.findFirst({ where: { roomId, seq: { gt: afterSeq } }, orderBy: { seq: 'desc' }, select: { seq: true } });
  if (!newest || (await isViewing(userId, roomId))) return null;
  // Composed before the claim: a failure on the way leaves the messages to this job's retry.
  const scope: PushScope = { userId, roomId, afterSeq, lastSeq: newest.seq };
  const payload = await composePush(db, scope, now);
  if (!(await claim(db, roomId, userId, newest.seq)) || !payload) return null;
  const subscriptions = await db.pushSubscription.findMany({
    where: { userId, session: { revokedAt: null } },
    select: { id: true },
  });
  if (subscriptions.length === 0) return null;
  return { scope, subscriptionIds: subscriptions.map((subscription) => subscription.id) };
}

/**
 * The push for `scope` as the database has it now, or null when there is nothing (left) to say: the
 * messages in it still unread, minus anything deleted, from the user, or from someone on either side of
 * a block, filtered by the room's level and the user's settings. Composed when the job decides, and again
 * as each device's push goes (retries run for a minute): a message deleted or read meanwhile is not
 * pushed, an edited one is pushed as it reads now.
 */
export async function composePush(db: PrismaClient, scope: PushScope, now: Date): Promise<PushPayload | null> {
  const { userId, roomId } = scope;
  const member = await db.roomMember.findUnique({
    where: { roomId_userId: { roomId, userId } },
    include: { room: { select: { kind: true, name: true } }, user: { select: { handle: true, notificationSettings: true } }, notification: true },
  });
  if (!member) return null;
  const request = member.request === 'pending' || member.request === 'ignored' ? member.request : null;
  // A request whose sender deleted their account is gone from the lists (message-requests.ts): nothing to announce.
  if (request && (await db.roomMember.count({ where: { roomId, userId, ...fromLiveAccount } })) === 0) return null;
  const messages = await db.message.findMany({
    where: { roomId, seq: { gt: Math.max(scope.afterSeq, member.readSeq), lte: scope.lastSeq }, kind: 'text', deletedAt: null, senderId: { not: userId } },
    orderBy: { seq: 'asc' },
    select: {
      seq: true,
      body: true,
      mentions: true,
      senderId: true,
      sender: { select: { displayName: true } },
      attachments: { select: { name: true }, orderBy: { position: 'asc' } },
    },
  });
  if (messages.length === 0) return null;
  const hidden = await blockedEitherWay(db, userId);
  // The rules themselves are shared with the page's own alert (lib/notification-rules.ts). Mentions are
  // the ones stored with the message (lib/mentions.ts, members only): the same ones its reader sees marked.
  const candidates = messages
    .filter((message) => !hidden.has(message.senderId))
    .map((message) => ({ seq: message.seq, senderName: message.sender.displayName, body: message.body, mentions: message.mentions, attachments: message.attachments }));
  const context: NotifyContext = {
    handle: member.user.handle,
    level: effectiveLevel(member.room.kind, member.notification, now),
    request,
    roomName: member.room.name,
    settings: member.user.notificationSettings && toSettingsView(member.user.notificationSettings),
  };
  const shown = composeNotification(candidates, context, now);
  // The newest message it speaks of, not the room's: a later one that does not notify (a group's plain
  // message at "Mentions only", a note) must not make an alert already showing look older than this push.
  return shown && { ...shown, roomId, url: `/c/${roomId}`, tag: `room:${roomId}`, seq: notifyingMessages(candidates, context).at(-1)!.seq };
}

/** Moves notifiedSeq up to `seq`; false when another job already got there. */
async function claim(db: PrismaClient, roomId: string, userId: string, seq: number): Promise<boolean> {
  const claimed = await db.$executeRaw`
    INSERT INTO "RoomNotification" ("roomId", "userId", "notifiedSeq") VALUES (${roomId}, ${userId}, ${seq})
    ON CONFLICT ("roomId", "userId") DO UPDATE SET "notifiedSeq" = EXCLUDED."notifiedSeq"
    WHERE "RoomNotification"."notifiedSeq" < EXCLUDED."notifiedSeq"`;
  return claimed > 0;
}
