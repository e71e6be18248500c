'use client';

import { useMemo } from 'react';
import type { OutboxItem } from '@/lib/outbox';
import { useChat, useChatStore } from '../providers/chat-provider';
import { roomTitle } from './room-title';

/**
 * Messages that can no longer be sent where they were written: their text stays to copy until
 * discarded. `where` says why first, when the conversation itself is not on screen.
 */
export function UnsentList({ where, items, onDiscard }: { where?: string; items: OutboxItem[]; onDiscard: (clientMsgId: string) => void }) {
  const count = items.length === 1 ? 'This message was not sent:' : `These ${items.length} messages were not sent:`;
  return (
    <section aria-label="Messages not sent" className="mx-auto mt-4 max-w-md text-left">
      <p className="text-sm text-red-800">{where ? `${where} ${count}` : count}</p>
      <ul className="mt-2 space-y-2">
        {items.map((item) => (
          <li key={item.clientMsgId} className="flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-950">
            <p className="min-w-0 flex-1 whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{item.body || item.attachments?.map((file) => file.name).join(', ')}</p>
            <button type="button" onClick={() => onDiscard(item.clientMsgId)} className="shrink-0 rounded border border-red-300 px-2 text-xs">
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * At the top of the conversation list, what happened to conversations that left it out of sight:
 * - groups the user was removed from (or left in another tab) while another conversation was open,
 *   until one is opened;
 * - messages such a conversation refused, which would otherwise sit in the outbox unseen, also
 *   after a reload.
 * The conversation open when it left says so itself (conversation.tsx).
 */
export function GoneConversations() {
  const store = useChatStore();
  const outbox = useChat((state) => state.outbox);
  const rooms = useChat((state) => state.rooms);
  const requests = useChat((state) => state.requests);
  const listed = useChat((state) => state.roomsStatus === 'ready');
  const formerRooms = useChat((state) => state.formerRooms);
  const shownOpen = useChat((state) => (state.activeRoomId === null ? state.leftRoom?.id : undefined));
  const me = useChat((state) => state.me);
  const byRoom = useMemo(() => {
    const groups = new Map<string, OutboxItem[]>();
    if (!listed) return groups;
    for (const item of outbox) {
      const roomId = item.roomId;
      // Refused for good (not for want of a connection) by a conversation no longer listed.
      if (!roomId || item.status !== 'failed' || item.retryable || roomId === shownOpen || rooms[roomId]) continue;
      if (requests.some((request) => request.roomId === roomId)) continue;
      groups.set(roomId, [...(groups.get(roomId) ?? []), item]);
    }
    return groups;
  }, [outbox, rooms, requests, listed, shownOpen]);
  // Groups that went while another conversation was open; one with messages not sent says so with them.
  const dropped = useChat((state) => state.droppedGroups).filter((room) => !byRoom.has(room.id));
  if (byRoom.size === 0 && dropped.length === 0) return null;
  return (
    <div className="border-b border-slate-200 px-3 pb-3">
      {dropped.map((room) => (
        <p key={room.id} role="status" className="mt-3 text-sm text-slate-800">
          You are no longer in {roomTitle(room, me)}.
        </p>
      ))}
      {[...byRoom].map(([roomId, items]) => {
        const room = formerRooms[roomId];
        return (
          <UnsentList
            key={roomId}
            where={room ? `You are no longer in ${roomTitle(room, me)}.` : 'You are no longer in that conversation.'}
            items={items}
            onDiscard={(clientMsgId) => store.getState().settle(clientMsgId)}
          />
        );
      })}
    </div>
  );
}
