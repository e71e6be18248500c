'use client';

import { dateOf, sameDay, timeOf } from '@/lib/dates';
import type { PresenceStatus } from '@/lib/schemas';

/** "Online", or "Last seen 14:02" (with the date when it was not today). */
export function presenceText(status: PresenceStatus | undefined): string | null {
  if (!status) return null;
  if (status.status === 'online') return 'Online';
  if (!status.lastSeenAt) return 'Offline';
  const seen = new Date(status.lastSeenAt);
  const time = timeOf(seen);
  return `Last seen ${sameDay(seen, new Date()) ? time : `${dateOf(seen)} ${time}`}`;
}

export function PresenceDot({ status }: { status: PresenceStatus | undefined }) {
  const online = status?.status === 'online';
  return (
    <span
      role="img"
      aria-label={online ? 'online' : status ? 'offline' : 'presence unknown'}
      className={`inline-block h-2 w-2 rounded-full ${online ? 'bg-emerald-500' : 'bg-slate-300'}`}
    />
  );
}
