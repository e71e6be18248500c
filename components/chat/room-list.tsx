'use client';

import { sameDay, timeOf } from '@/lib/dates';
import { excerptOf } from '@/lib/message-excerpt';
import { shownPresence, sortRooms } from '@/lib/stores/chat-store';
import { useChat, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';
import { PresenceDot } from './presence-label';
import { roomTitle } from './room-title';

// Today's activity by time, older by date, as in the usual messengers.
const whenOf = (iso: string) => {
  const at = new Date(iso);
  return sameDay(at, new Date()) ? timeOf(at) : at.toLocaleDateString([], { day: 'numeric', month: 'short' });
};

export function RoomList() {
  const store = useChatStore();
  const me = useChat((state) => state.me);
  const rooms = useChat((state) => state.rooms);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const presence = useChat(shownPresence);
  const ordered = sortRooms(rooms);

  if (ordered.length === 0) {
    return <p className="p-4 text-sm text-slate-600">No conversations yet. Find someone above to start one.</p>;
  }
  return (
    <ul aria-label="Recent conversations">
      {ordered.map((room) => {
        const peer = room.kind === 'direct' ? room.members.find((m) => m.handle !== me.handle) : undefined;
        const title = roomTitle(room, me);
        return (
          <li key={room.id}>
            <button
              type="button"
              onClick={() => store.getState().openRoom(room.id)}
              aria-current={room.id === activeRoomId ? 'true' : undefined}
              className={`flex w-full items-center gap-3 border-b border-slate-100 px-3 py-2 text-left ${room.id === activeRoomId ? 'bg-indigo-50' : 'hover:bg-slate-50'}`}
            >
              <span className="relative">
                <Avatar handle={peer?.handle ?? room.id} name={title} />
                {peer && (
                  <span className="absolute -bottom-0.5 -right-0.5 flex rounded-full bg-surface p-0.5">
                    <PresenceDot status={presence[peer.handle]} />
                  </span>
                )}
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-center justify-between gap-2">
                  <span className={`truncate ${room.unread > 0 ? 'font-semibold' : 'font-medium'}`}>
                    {title}
                    {room.closed && <span className="ml-1 text-xs text-slate-600">(closed)</span>}
                  </span>
                  <span className="shrink-0 text-xs text-slate-600">{room.lastMessage ? whenOf(room.lastMessage.createdAt) : ''}</span>
                </span>
                <span className="flex items-center justify-between gap-2">
                  <span className="block truncate text-sm text-slate-600">{room.lastMessage ? excerptOf(room.lastMessage) : ''}</span>
                  {(room.mentions ?? 0) > 0 && (
                    <span className="shrink-0 rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white">
                      <span aria-hidden="true">@{room.mentions}</span>
                      <span className="sr-only">{room.mentions === 1 ? '1 mention' : `${room.mentions} mentions`}</span>
                    </span>
                  )}
                  {room.unread > 0 && (
                    <span aria-label={`${room.unread} unread`} className="shrink-0 rounded-full bg-indigo-700 px-1.5 text-xs font-semibold text-white">
                      {room.unread}
                    </span>
                  )}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
