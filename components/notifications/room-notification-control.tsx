'use client';

import { useEffect, useReducer, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { timeWithDay } from '@/lib/dates';
import { roomLevel } from '@/lib/notification-rules';
import type { RoomSummary } from '@/lib/schemas';
import { useChatClient } from '../providers/chat-provider';

const HOUR = 60 * 60 * 1000;
const CHOICES = [
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Mentions only' },
  { value: 'mute-1h', label: 'Mute for 1 hour' },
  { value: 'mute-8h', label: 'Mute for 8 hours' },
  { value: 'mute', label: 'Mute until I turn it back on' },
] as const;

/** The level in force now (a mute that has run out is over: the default again), as the control shows it. */
function currentChoice(room: RoomSummary, now: Date): string {
  const level = roomLevel(room, now);
  return level === 'mute' && room.notifications?.muteUntil ? 'mute-timed' : level;
}

// setTimeout's longest wait; a mute ending later is looked at again then.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Per conversation: all messages, mentions only, or mute (for 1 h, 8 h, or until turned back on). */
export function RoomNotificationControl({ room }: { room: RoomSummary }) {
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  const choice = currentChoice(room, new Date());
  // A timed mute runs out while the conversation is open: the control shows the level then in force.
  const [, showAgain] = useReducer((count: number) => count + 1, 0);
  const muteEnds = choice === 'mute-timed' ? room.notifications!.muteUntil : null;
  useEffect(() => {
    if (!muteEnds) return;
    const timer = setTimeout(showAgain, Math.min(Math.max(new Date(muteEnds).getTime() - Date.now(), 0), LONGEST_TIMER_MS));
    return () => clearTimeout(timer);
  }, [muteEnds]);

  async function choose(value: string) {
    setError(null);
    const body =
      value === 'mute-1h' || value === 'mute-8h'
        ? { level: 'mute', muteForMs: (value === 'mute-1h' ? 1 : 8) * HOUR }
        : { level: value };
    try {
      await apiFetch(`/api/v1/rooms/${room.id}/notifications`, { method: 'PATCH', body: JSON.stringify(body) });
      await client?.refreshRooms();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <label className="flex items-center gap-1 text-xs text-slate-600">
      <span>Notifications</span>
      <select value={choice} onChange={(event) => void choose(event.target.value)} className="rounded border border-slate-300 px-1 py-0.5">
        {choice === 'mute-timed' && (
          <option value="mute-timed" disabled>
            Muted until {timeWithDay(new Date(room.notifications!.muteUntil!))}
          </option>
        )}
        {CHOICES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </label>
  );
}
