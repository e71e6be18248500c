'use client';

import { timeWithDay } from '@/lib/dates';
import type { PresenceStatus } from '@/lib/schemas';

/**
 * Offline with no last-seen time is what the server says when it does not share someone's presence (a
 * message request not yet accepted) or has never seen them: not known, so not said to be "Offline".
 */
const unknown = (status: PresenceStatus | undefined) => !status || (status.status === 'offline' && !status.lastSeenAt);

/** "Online", or "Last seen 14:02" (with the day when it was not today); null when not known. */
export function presenceText(status: PresenceStatus | undefined): string | null {
  if (!status || unknown(status)) return null;
  if (status.status === 'online') return 'Online';
  if (!status.lastSeenAt) return null;
  return `Last seen ${timeWithDay(new Date(status.lastSeenAt))}`;
}

export function PresenceDot({ status }: { status: PresenceStatus | undefined }) {
  const online = status?.status === 'online';
  return (
    <span
      role="img"
      aria-label={online ? 'online' : unknown(status) ? 'presence unknown' : 'offline'}
      className={`inline-block h-2 w-2 rounded-full ${online ? 'bg-emerald-500' : 'bg-slate-300'}`}
    />
  );
}
