// The pure rules of who is notified of what, and what the notification says: one copy for the server's
// push (server/notifications/decide-notification.ts) and the hidden tab's alert
// (components/notifications/notification-center.tsx), so the two always agree.

import type { NotificationSettingsView, RoomSummary } from './schemas';
import { shorten } from './text-rules';

export type NotifyLevel = 'all' | 'mentions' | 'mute';
export type QuietHours = { start: string; end: string; timeZone: string };

/** A room's level as it applies now: the stored choice, or the default for its kind; a lapsed mute is over. */
export function effectiveLevel(roomKind: string, stored: { level: string | null; muteUntil: Date | null } | null, now: Date): NotifyLevel {
  const fallback: NotifyLevel = roomKind === 'direct' ? 'all' : 'mentions';
  if (!stored?.level) return fallback;
  if (stored.level === 'mute') return stored.muteUntil && stored.muteUntil <= now ? fallback : 'mute';
  return stored.level as NotifyLevel;
}

/** The same for a room as the client lists it (its settings as JSON). */
export function roomLevel(room: Pick<RoomSummary, 'kind' | 'notifications'>, now: Date): NotifyLevel {
  const stored = room.notifications;
  return effectiveLevel(room.kind, stored ? { level: stored.level, muteUntil: stored.muteUntil ? new Date(stored.muteUntil) : null } : null, now);
}

/** Whether `now` falls in the quiet hours, read on the user's own clock; a window may cross midnight. */
export function inQuietHours(quiet: QuietHours | null, now: Date): boolean {
  if (!quiet) return false;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: quiet.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  const minute = part('hour') * 60 + part('minute');
  const [start, end] = [quiet.start, quiet.end].map((time) => {
    const [hours, minutes] = time.split(':').map(Number);
    return hours * 60 + minutes;
  });
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The title of a grouped notification. */
export function notificationTitle(count: number, senders: string[], roomName: string | null): string {
  const from = senders.length === 1 ? senders[0] : `${senders.length} people`;
  const what = count === 1 ? 'New message' : `${count} new messages`;
  return roomName ? `${what} from ${from} in ${roomName}` : `${what} from ${from}`;
}

// Enough for the lines a notification shows; it also keeps a push well inside the 4,096 bytes push
// services are bound to take (RFC 8030 §7.2: a longer one may be refused, and the notification lost).
const NOTIFICATION_TEXT_LENGTH = 240;

/** What a notification says of a message: its text, shortened, or the names of its files when it has none. */
export function notificationText(message: { body: string; attachments: { name: string }[] }): string {
  const text = message.body.trim() || (message.attachments.length ? `📎 ${message.attachments.map((attachment) => attachment.name).join(', ')}` : '');
  return text.length > NOTIFICATION_TEXT_LENGTH ? `${shorten(text, NOTIFICATION_TEXT_LENGTH - 1)}…` : text;
}

/** A message from someone else that may notify: text, not deleted, from no one on either side of a block. */
export type NotifyMessage = { senderName: string; body: string; mentions: string[]; attachments: { name: string }[] };

/** The reader and the room, as the rules need them. `settings` null: the defaults (on, text shown, no quiet hours). */
export type NotifyContext = {
  handle: string;
  level: NotifyLevel;
  request: 'pending' | 'ignored' | null;
  roomName: string | null;
  settings: NotificationSettingsView | null;
};

/** Of these messages, the ones the room's level lets notify: all, or at "Mentions only" those mentioning the reader. */
export function notifyingMessages<M extends NotifyMessage>(messages: M[], context: Pick<NotifyContext, 'level' | 'handle'>): M[] {
  return context.level === 'mentions' ? messages.filter((message) => message.mentions.includes(context.handle)) : messages;
}

/**
 * What to show for these messages (oldest first), or null when nothing notifies: the room's level
 * (mentions are the ones the message stores), an ignored request, notifications off, quiet hours.
 * A request says only that it is one; hidden text leaves the body empty.
 */
export function composeNotification(messages: NotifyMessage[], context: NotifyContext, now: Date): { title: string; body: string } | null {
  const relevant = notifyingMessages(messages, context);
  const { settings } = context;
  if (relevant.length === 0 || context.level === 'mute' || context.request === 'ignored' || settings?.enabled === false || inQuietHours(settings?.quietHours ?? null, now)) {
    return null;
  }
  const isRequest = context.request === 'pending';
  return {
    title: isRequest ? 'New message request' : notificationTitle(relevant.length, [...new Set(relevant.map((message) => message.senderName))], context.roomName),
    body: isRequest || settings?.hideText ? '' : notificationText(relevant.at(-1)!),
  };
}
