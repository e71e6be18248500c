'use client';

import { useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { RoomNotifications, RoomSummary } from '@/lib/schemas';
import { useChatClient } from '../providers/chat-provider';

const HOUR = 60 * 60 * 1000;
const CHOICES = [
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Mentions only' },
  { value: 'mute-1h', label: 'Mute for 1 hour' },
  { value: 'mute-8h', label: 'Mute for 8 hours' },
  { value: 'mute', label: 'Mute until I turn it back on' },
] as const;

function currentChoice(notifications: RoomNotifications | undefined): string {
  if (!notifications) return 'all';
  return notifications.level === 'mute' && notifications.muteUntil ? 'mute-timed' : notifications.level;
}

/** Per conversation: all messages, mentions only, or mute (for 1 h, 8 h, or until turned back on). */
export function RoomNotificationControl({ room }: { room: RoomSummary }) {
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  const choice = currentChoice(room.notifications);

  async function choose(value: string) {
    setError(null);
    const body =
      value === 'mute-1h' || value === 'mute-8h'
        ? { level: 'mute', muteUntil: new Date(Date.now() + (value === 'mute-1h' ? 1 : 8) * HOUR).toISOString() }
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
            Muted until {new Date(room.notifications!.muteUntil!).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
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
