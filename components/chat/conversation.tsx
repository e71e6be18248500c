'use client';

import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { OutboxItem } from '@/lib/outbox';
import { receiptLabel } from '@/lib/receipts';
import type { ChatMessage, RoomSummary } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { Composer } from './composer';
import { ConversationHeader } from './conversation-header';
import { MessageItem, OutboxMessage } from './message-item';
import { roomTitle } from './room-title';
import { TypingIndicator } from './typing-indicator';

const NO_MESSAGES: ChatMessage[] = [];

export function Conversation() {
  const store = useChatStore();
  const client = useChatClient();
  const me = useChat((state) => state.me);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const room = useChat((state) => (state.activeRoomId ? state.rooms[state.activeRoomId] : undefined));
  const draftPeer = useChat((state) => state.draftPeer);
  const messages = useChat((state) => (state.activeRoomId ? state.messagesByRoom[state.activeRoomId] : undefined)) ?? NO_MESSAGES;
  const outbox = useChat((state) => state.outbox);
  const notice = useChat((state) => state.notice);
  const bottom = useRef<HTMLLIElement>(null);

  const [olderExists, setOlderExists] = useState(false);
  useEffect(() => {
    if (!activeRoomId || !client) return;
    client
      .openHistory(activeRoomId)
      .then(({ hasMore }) => setOlderExists(hasMore))
      .catch(() => {});
  }, [activeRoomId, client]);

  async function loadEarlier() {
    if (!activeRoomId || messages.length === 0) return;
    const page = await apiFetch<{ messages: ChatMessage[]; hasMore: boolean }>(
      `/api/v1/rooms/${activeRoomId}/messages?limit=100&beforeSeq=${messages[0].seq}`,
    );
    store.getState().mergeMessages(activeRoomId, page.messages);
    setOlderExists(page.hasMore);
  }

  // Opening a conversation (and seeing new messages in it) marks it read up to what is shown without
  // a hole: a message still being fetched is not read yet.
  const shownSeq = useChat((state) => (state.activeRoomId ? (state.syncedSeq[state.activeRoomId] ?? 0) : 0));
  const myReadSeq = room?.members.find((member) => member.handle === me.handle)?.readSeq ?? 0;
  useEffect(() => {
    if (!client || !activeRoomId || shownSeq === 0) return;
    const markIfVisible = () => {
      if (document.visibilityState === 'visible' && (shownSeq > myReadSeq || (room?.unread ?? 0) > 0)) client.markRead(activeRoomId, shownSeq);
    };
    markIfVisible();
    document.addEventListener('visibilitychange', markIfVisible);
    return () => document.removeEventListener('visibilitychange', markIfVisible);
  }, [client, activeRoomId, shownSeq, myReadSeq, room?.unread]);

  useEffect(() => {
    // A block body: newer browsers return a promise from scrollIntoView, which must not become the cleanup.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [messages.length, outbox.length]);

  if (!room && !draftPeer) {
    return <main className="flex flex-1 items-center justify-center text-slate-500">Pick a conversation or find someone to talk to.</main>;
  }
  const title = room ? roomTitle(room, me) : draftPeer!.displayName;
  const waiting = outbox.filter((item) => belongsHere(item, room, draftPeer?.handle, me.handle));

  return (
    <main className="flex min-w-0 flex-1 flex-col" aria-label={`Conversation with ${title}`}>
      <ConversationHeader title={title} room={room ?? null} />
      <ol aria-label="Messages" className="flex-1 space-y-2 overflow-y-auto p-4">
        {olderExists && (
          <li className="text-center">
            <button type="button" onClick={() => void loadEarlier().catch(() => {})} className="text-xs text-indigo-700 underline">
              Load earlier messages
            </button>
          </li>
        )}
        {messages.map((message) => {
          const mine = message.sender === me.handle;
          return <MessageItem key={message.id} message={message} mine={mine} status={mine && room ? receiptLabel(room, message, me.handle) : undefined} />;
        })}
        {waiting.map((item) => (
          <OutboxMessage
            key={item.clientMsgId}
            item={item}
            onRetry={() => {
              store.getState().retry(item.clientMsgId);
              void client?.flushOutbox();
            }}
            onRemove={() => store.getState().settle(item.clientMsgId)}
          />
        ))}
        <li ref={bottom} aria-hidden="true" />
      </ol>
      {room && <TypingIndicator roomId={room.id} />}
      {notice && (
        <p role="alert" className="px-4 pb-1 text-xs text-amber-800">
          {notice}
        </p>
      )}
      <Composer roomId={activeRoomId} draftPeer={draftPeer} disabled={room?.closed} />
    </main>
  );
}

// A first message to someone is queued by handle; it belongs to the direct room with them once that exists.
function belongsHere(item: OutboxItem, room: RoomSummary | undefined, draftHandle: string | undefined, me: string) {
  if (item.roomId) return item.roomId === room?.id;
  if (!room) return item.to === draftHandle;
  return room.kind === 'direct' && room.members.some((member) => member.handle === item.to && member.handle !== me);
}
