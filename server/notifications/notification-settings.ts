import { AppError } from '@/lib/errors';
import type { NotificationSettingsView, QuietHoursSetting, RoomNotifications } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { PrismaClient } from '../db/generated/client';
import type { Broadcaster } from '../realtime/broadcaster';
import { requireMember } from '../rooms/require-member';
import { effectiveLevel } from '@/lib/notification-rules';

type SettingsRow = { enabled: boolean; hideText: boolean; quietStart: string | null; quietEnd: string | null; quietTimeZone: string | null };

export function quietHoursOf(row: SettingsRow | null): QuietHoursSetting | null {
  if (!row?.quietStart || !row.quietEnd || !row.quietTimeZone) return null;
  return { start: row.quietStart, end: row.quietEnd, timeZone: row.quietTimeZone };
}

export const toSettingsView = (row: SettingsRow | null): NotificationSettingsView => ({
  enabled: row?.enabled ?? true,
  hideText: row?.hideText ?? false,
  quietHours: quietHoursOf(row),
});

export async function getNotificationSettings(db: PrismaClient, actor: Actor): Promise<NotificationSettingsView> {
  return toSettingsView(await db.notificationSettings.findUnique({ where: { userId: actor.userId } }));
}

/** Changes only the fields given; `quietHours: null` turns quiet hours off. */
export async function updateNotificationSettings(
  { db, broadcaster }: { db: PrismaClient; broadcaster: Broadcaster },
  actor: Actor,
  input: { enabled?: boolean; hideText?: boolean; quietHours?: QuietHoursSetting | null },
): Promise<NotificationSettingsView> {
  const data = {
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(input.hideText !== undefined && { hideText: input.hideText }),
    ...(input.quietHours !== undefined && {
      quietStart: input.quietHours?.start ?? null,
      quietEnd: input.quietHours?.end ?? null,
      quietTimeZone: input.quietHours?.timeZone ?? null,
    }),
  };
  const row = await db.notificationSettings.upsert({ where: { userId: actor.userId }, create: { userId: actor.userId, ...data }, update: data });
  const view = toSettingsView(row);
  // Every tab of the user, on every device: a hidden one alerts by these settings (hidden text stays hidden).
  broadcaster.toUsers([actor.userId], 'notifications:updated', view);
  return view;
}

/** The caller's level in one room: 'all', 'mentions', or 'mute' (until `muteUntil`, or until changed). */
/** Sets the caller's level for one conversation; their other tabs and devices are told to list it anew. */
export async function setRoomNotifications(
  { db, broadcaster }: { db: PrismaClient; broadcaster: Broadcaster },
  actor: Actor,
  roomId: string,
  input: { level: RoomNotifications['level']; muteUntil?: string | null; muteForMs?: number },
): Promise<RoomNotifications> {
  const member = await requireMember(actor, roomId);
  const muteUntil = input.muteForMs ? new Date(Date.now() + input.muteForMs) : input.muteUntil ? new Date(input.muteUntil) : null;
  if (muteUntil && muteUntil <= new Date()) throw new AppError('bad_request', 'muteUntil must be in the future.');
  const data = { level: input.level, muteUntil };
  const row = await db.roomNotification.upsert({
    where: { roomId_userId: { roomId: member.roomId, userId: actor.userId } },
    create: { roomId: member.roomId, userId: actor.userId, ...data },
    update: data,
  });
  broadcaster.toUsers([actor.userId], 'room:updated', { roomId: member.roomId });
  return roomNotificationsView(member.room.kind, row);
}

/** What GET /rooms shows: the level in force now (a lapsed mute shows the default again). */
export function roomNotificationsView(roomKind: string, row: { level: string | null; muteUntil: Date | null } | null, now = new Date()): RoomNotifications {
  const level = effectiveLevel(roomKind, row, now);
  return { level, muteUntil: level === 'mute' ? (row?.muteUntil?.toISOString() ?? null) : null };
}
