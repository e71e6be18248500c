'use client';

import { useEffect } from 'react';
import { sortRooms } from '@/lib/stores/chat-store';
import { useChatStore } from '../providers/chat-provider';

/**
 * Alt+↑ / Alt+↓ open the conversation above or below the open one in the list; with Shift, the nearest
 * one with unread messages that way (Slack's keys). Anywhere on the page, the message box included; at
 * either end of the list nothing happens.
 */
export function useConversationKeys() {
  const store = useChatStore();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
      const { rooms, activeRoomId, openRoom } = store.getState();
      const ordered = sortRooms(rooms);
      const step = event.key === 'ArrowUp' ? -1 : 1;
      const at = ordered.findIndex((room) => room.id === activeRoomId);
      // Nothing open: Down starts at the top, Up at the bottom.
      for (let index = at === -1 ? (step > 0 ? 0 : ordered.length - 1) : at + step; index >= 0 && index < ordered.length; index += step) {
        if (event.shiftKey && ordered[index].unread === 0) continue;
        event.preventDefault();
        openRoom(ordered[index].id);
        return;
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
