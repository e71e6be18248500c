import type { RoomSummary } from './schemas';

/** A muted conversation never alerts and does not count in the tab's title; it keeps its own badge. */
export function isMuted(room: Pick<RoomSummary, 'notifications'> | undefined, now = Date.now()): boolean {
  const settings = room?.notifications;
  if (settings?.level !== 'mute') return false;
  return settings.muteUntil === null || Date.parse(settings.muteUntil) > now;
}
