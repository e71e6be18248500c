'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { type NotifyLevel, roomLevel } from '@/lib/notification-rules';
import type { RoomSummary } from '@/lib/schemas';
import { useChat } from '../providers/chat-provider';
import { conversationTitle } from './room-title';
import { roomIdFromPath } from './use-room-route';

const APP_TITLE = 'Relay';
/** How long a new count must hold before the tab shows it. */
const BADGE_SETTLE_MS = 250;

function icon(withDot: boolean) {
  const dot = withDot ? '<circle cx="25" cy="7" r="7" fill="#dc2626" stroke="#fff" stroke-width="2"/>' : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="4" width="26" height="22" rx="7" fill="#4338ca"/><path d="M9 26l-3 5 8-5z" fill="#4338ca"/><text x="15" y="20" font-family="sans-serif" font-size="13" font-weight="700" text-anchor="middle" fill="#fff">R</text>${dot}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** What a conversation adds to the tab's count, by its notification level: what would notify. */
const COUNTED: Record<NotifyLevel, (room: RoomSummary) => number> = {
  all: (room) => room.unread,
  mentions: (room) => room.mentions ?? 0,
  mute: () => 0,
};

/**
 * "(3) Alice – Relay": the open conversation's name, so a tab, a window list and a screen reader's
 * announcement of the page say where you are (WCAG 2.4.2), and a dot on the favicon while anything is
 * unread (pending requests included); count and dot clear as you read. The count follows each conversation's notification level, as Slack's does: every unread
 * message at "All messages", only mentions at "Mentions only" (groups' default), nothing while muted.
 * The list keeps every conversation's own unread badge.
 */
export function useTabBadge() {
  const counted = useChat((state) => {
    const now = new Date();
    return Object.values(state.rooms).reduce((sum, room) => sum + COUNTED[roomLevel(room, now)](room), 0) + state.requests.length;
  });
  // A message in the open conversation is unread only until it is read a moment later: settling first
  // keeps a busy conversation from re-titling the tab and redrawing the favicon twice per message.
  const [unread, setUnread] = useState(counted);
  useEffect(() => {
    const settled = setTimeout(() => setUnread(counted), BADGE_SETTLE_MS);
    return () => clearTimeout(settled);
  }, [counted]);

  // Which conversation to name: whichever moved last of the address and the store. Opening one in the
  // page moves the store first, the address after; Back and Forward move the address first, the store a
  // moment later. The router announces the title to screen readers as the address moves, so the name is
  // set at once (not settled like the count) and must already be the conversation reached.
  const pathname = usePathname();
  const activeRoomId = useChat((state) => state.activeRoomId);
  const named = useRef({ pathname, activeRoomId, roomId: activeRoomId });
  if (pathname !== named.current.pathname) named.current = { pathname, activeRoomId, roomId: roomIdFromPath(pathname) };
  else if (activeRoomId !== named.current.activeRoomId) named.current = { pathname, activeRoomId, roomId: activeRoomId };
  const roomId = named.current.roomId;
  const open = useChat((state) => {
    const room = roomId ? state.rooms[roomId] : undefined;
    const request = roomId ? state.requests.find((item) => item.roomId === roomId) : undefined;
    return conversationTitle(room, request, roomId ? null : state.draftPeer, state.me);
  });
  const title = `${unread > 0 ? `(${unread}) ` : ''}${open ? `${open} – ` : ''}${APP_TITLE}`;
  // Again on every move: a page's own <title>, put back as the route commits, would otherwise cover it.
  const shown = useRef('');
  useEffect(() => {
    document.title = shown.current = title;
  }, [title, pathname]);
  // And whenever the chat's own plain <title> comes back after that: opened offline, the kept copy fills the
  // store before the route commits, so ours was set first and then covered. Another page's title is left.
  useEffect(() => {
    const observer = new MutationObserver(() => {
      if (document.title === APP_TITLE && shown.current !== APP_TITLE) document.title = shown.current;
    });
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);

  const dot = unread > 0;
  useEffect(() => {
    let link = document.querySelector<HTMLLinkElement>('link[rel="icon"][data-badge]');
    if (!link) {
      link = document.createElement('link');
      link.rel = 'icon';
      link.type = 'image/svg+xml';
      link.dataset.badge = '';
      document.head.appendChild(link);
    }
    const href = icon(dot);
    if (link.getAttribute('href') !== href) link.href = href;
  }, [dot]);

  // Leaving the chat: a page with a title of its own (Settings) has set it by now and keeps it; any other
  // would keep ours, so it gets the plain one.
  useEffect(() => () => void (document.title === shown.current && (document.title = APP_TITLE)), []);
}
