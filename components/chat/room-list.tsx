'use client';

import { sortRooms } from '@/lib/stores/chat-store';
import { useChat, useChatStore } from '../providers/chat-provider';
import { PresenceDot } from './presence-label';
import { roomTitle } from './room-title';

export function RoomList() {
  const store = useChatStore();
  const me = useChat((state) => state.me);
  const rooms = useChat((state) => state.rooms);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const presence = useChat((state) => state.presence);
  const ordered = sortRooms(rooms);

  if (ordered.length === 0) {
    return <p className="p-4 text-sm text-slate-500">No conversations yet. Find someone above to start one.</p>;
  }
  return (
    <ul aria-label="Recent conversations" className="flex-1 overflow-y-auto">
      {ordered.map((room) => {
        const time = room.lastMessage ? new Date(room.lastMessage.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
        return (
          <li key={room.id}>
            <button
              type="button"
              onClick={() => store.getState().openRoom(room.id)}
              aria-current={room.id === activeRoomId ? 'true' : undefined}
              className={`block w-full border-b border-slate-100 px-3 py-2 text-left ${room.id === activeRoomId ? 'bg-indigo-50' : 'hover:bg-slate-50'}`}
            >
              <span className="flex items-center justify-between gap-2">
                <span className="flex items-center gap-1 truncate font-medium">
                  {room.kind === 'direct' && <PresenceDot status={presence[room.members.find((m) => m.handle !== me.handle)?.handle ?? '']} />}
                  {roomTitle(room, me)}
                  {room.closed && <span className="ml-1 text-xs text-slate-500">(closed)</span>}
                </span>
                <span className="flex shrink-0 items-center gap-1 text-xs text-slate-400">
                  {time}
                  {room.unread > 0 && (
                    <span aria-label={`${room.unread} unread`} className="rounded-full bg-indigo-600 px-1.5 text-white">
                      {room.unread}
                    </span>
                  )}
                </span>
              </span>
              <span className="block truncate text-sm text-slate-500">{room.lastMessage?.body ?? ''}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
