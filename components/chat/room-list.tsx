'use client';

import { useEffect, useLayoutEffect, useRef } from 'react';
import { timeOrDate } from '@/lib/dates';
import { excerptOf } from '@/lib/message-excerpt';
import { roomLevel } from '@/lib/notification-rules';
import { shownPresence, sortRooms } from '@/lib/stores/chat-store';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';
import { focusFell } from './conversation-focus';
import { focusConversationList } from './list-focus';
import { PresenceDot } from './presence-label';
import { roomTitle } from './room-title';
import { scrollingParent } from '../ui/scrolling-parent';
import { useToday } from '../ui/use-today';


export function RoomList() {
  const store = useChatStore();
  const me = useChat((state) => state.me);
  const rooms = useChat((state) => state.rooms);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const presence = useChat(shownPresence);
  const ordered = sortRooms(rooms);
  const nothingOpen = useChat((state) => state.activeRoomId === null && state.draftPeer === null && state.leftRoom === null);
  // Times become dates at midnight, with nothing else changing.
  const today = useToday();

  // Back from a conversation on a phone (its button or the browser's): the list comes back in its place,
  // and focus, gone with the conversation's controls, goes to the conversation left, as a list-detail
  // screen does in the usual messengers, rather than to <body> (the top of the page for a screen reader).
  // One the list does not hold (a group left, a conversation not ours) leaves it to the list's first stop.
  const lastOpen = useRef(activeRoomId);
  const somethingWasOpen = useRef(!nothingOpen);
  useEffect(() => {
    const left = lastOpen.current;
    const closed = somethingWasOpen.current && nothingOpen;
    lastOpen.current = activeRoomId;
    somethingWasOpen.current = !nothingOpen;
    if (!closed || !focusFell()) return;
    const entry = left ? document.querySelector<HTMLElement>(`[data-room-id="${CSS.escape(left)}"]`) : null;
    if (entry) entry.focus();
    else focusConversationList();
  }, [activeRoomId, nothingOpen]);

  // However it was opened (Alt+↓, search, a notification), the open conversation's entry is in view in
  // the list, so the reader does not lose their place in it.
  useEffect(() => {
    if (activeRoomId) document.querySelector(`[data-room-id="${CSS.escape(activeRoomId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [activeRoomId]);

  // A message moving a conversation to the top can make React move the focused entry's node among the
  // others, and the browser then scrolls the list back to it (to the top) under the reader: it is put back
  // where it was as this render began (read here: the store's updates render and commit in one task).
  const list = useRef<HTMLUListElement>(null);
  const scroller = useRef<HTMLElement | null>(null);
  scroller.current ??= list.current && scrollingParent(list.current);
  const top = scroller.current?.scrollTop;
  const order = ordered.map((room) => room.id).join(' ');
  useLayoutEffect(() => {
    if (scroller.current && top !== undefined && scroller.current.scrollTop !== top) scroller.current.scrollTop = top;
    // Only when the order has changed: `top` is read afresh by every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order]);

  if (ordered.length === 0) {
    return (
      <>
        <NotStarted />
        <p className="p-4 text-sm text-slate-600">No conversations yet. Find someone above to start one.</p>
      </>
    );
  }
  return (
    <>
      <NotStarted />
      <ul ref={list} aria-label="Recent conversations">
        {ordered.map((room) => {
          const peer = room.kind === 'direct' ? room.members.find((m) => m.handle !== me.handle) : undefined;
          const title = roomTitle(room, me);
          // Muted: said beside the name, and its unread count greyed, as the usual messengers do (it
          // stays, as every conversation's does; the tab's title stops counting it).
          const muted = roomLevel(room, new Date()) === 'mute';
          return (
            <li key={room.id}>
              <button
                type="button"
                onClick={() => store.getState().openRoom(room.id)}
                data-room-id={room.id}
                aria-current={room.id === activeRoomId ? 'true' : undefined}
                className={`flex w-full items-center gap-3 border-b border-slate-100 px-3 py-2 text-left ${room.id === activeRoomId ? 'bg-indigo-50' : 'hover:bg-slate-50'}`}
              >
                <span className="relative">
                  <Avatar handle={peer?.handle ?? room.id} name={title} url={peer?.avatarUrl} />
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
                      {muted && (
                        <span className="ml-1 text-xs" title="Muted">
                          <span aria-hidden="true">🔕</span>
                          <span className="sr-only">(muted)</span>
                        </span>
                      )}
                    </span>
                    <span className="shrink-0 text-xs text-slate-600">{room.lastMessage ? timeOrDate(new Date(room.lastMessage.createdAt), new Date(today)) : ''}</span>
                  </span>
                  <span className="flex items-center justify-between gap-2">
                    <span dir="auto" className="block truncate text-sm text-slate-600">{room.lastMessage ? excerptOf(room.lastMessage) : ''}</span>
                    {(room.mentions ?? 0) > 0 && (
                      <span className="shrink-0 rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white">
                        <span aria-hidden="true">@{room.mentions}</span>
                        <span className="sr-only">{room.mentions === 1 ? '1 mention' : `${room.mentions} mentions`}</span>
                      </span>
                    )}
                    {room.unread > 0 && (
                      <span aria-label={`${room.unread} unread`} className={`shrink-0 rounded-full px-1.5 text-xs font-semibold text-white ${muted ? 'bg-slate-600' : 'bg-indigo-700'}`}>
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
    </>
  );
}

/**
 * First messages still in the outbox (waiting to send, held for review, or refused): the conversation
 * does not exist yet, so without this a reload would leave them out of sight until that person is
 * looked up again.
 */
function NotStarted() {
  const store = useChatStore();
  const client = useChatClient();
  const outbox = useChat((state) => state.outbox);
  const rooms = useChat((state) => state.rooms);
  const people = useChat((state) => state.people);
  const me = useChat((state) => state.me.handle);
  const hasRoom = (handle: string) => Object.values(rooms).some((room) => room.kind === 'direct' && room.members.some((member) => member.handle === handle && handle !== me));
  const waiting = [...new Map(outbox.filter((item) => item.to && !hasRoom(item.to)).map((item) => [item.to!, item])).values()];
  const unnamed = waiting.map((item) => item.to!).filter((handle) => !(handle in people)).join(',');
  useEffect(() => {
    if (unnamed) void client?.namePeople(unnamed.split(','));
  }, [client, unnamed]);
  if (waiting.length === 0) return null;
  return (
    <ul aria-label="Conversations not started" className="border-b border-slate-200">
      {waiting.map((item) => {
        const handle = item.to!;
        const name = people[handle]?.displayName ?? handle;
        const state = item.status === 'held' ? 'Held for review' : item.status === 'failed' ? 'Not sent' : 'Waiting to send';
        return (
          <li key={handle}>
            <button
              type="button"
              onClick={() => store.getState().openDraft({ handle, displayName: name, avatarUrl: null })}
              className="flex w-full items-center gap-3 px-3 py-2 text-left hover:bg-slate-50"
            >
              <Avatar handle={handle} name={name} />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium">{name}</span>
                <span className="block truncate text-sm text-slate-600">
                  {state}: {item.body}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
