'use client';

import { useEffect, useRef, useState } from 'react';
import { excerptOf } from '@/lib/message-excerpt';
import type { ChatMessage } from '@/lib/schemas';
import { useChat } from '../providers/chat-provider';

// Entries left in the log: a screen reader reads what is added; older ones only make the log long.
const KEPT = 5;
// More at once than this (back online, a catch-up) is said as a count, not read out one by one.
const BURST = 3;

type Entry = { key: number; text: string };

/** What is read of one message: its text, or its files' names when it has none ("📎 minutes.txt"). */
const spoken = (message: ChatMessage) => (message.body.trim() ? message.body : excerptOf(message));

/** "12 new messages from Bob", "… from Bob and Carol", "… from 3 people". */
function burstText(fresh: ChatMessage[], nameOf: (handle: string) => string) {
  const senders = [...new Set(fresh.map((message) => message.sender))].map(nameOf);
  const from = senders.length <= 2 ? senders.join(' and ') : `${senders.length} people`;
  return `${fresh.length} new messages from ${from}`;
}

/**
 * Reads new messages from others aloud to screen readers (a polite live log): each message its own entry,
 * so the same words twice ("ok", "ok") are read twice; a burst as its count.
 */
export function NewMessageAnnouncer({ roomId, me, nameOf }: { roomId: string; me: string; nameOf: (handle: string) => string }) {
  const messages = useChat((state) => state.messagesByRoom[roomId]);
  const seen = useRef<number | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);

  useEffect(() => {
    const last = messages?.at(-1)?.seq ?? 0;
    // History already on screen when the conversation opens is not announced.
    if (seen.current === null) {
      if (messages) seen.current = last;
      return;
    }
    const fresh = (messages ?? []).filter((message) => message.seq > seen.current! && message.sender !== me && message.kind === 'text' && !message.deleted);
    seen.current = Math.max(seen.current, last);
    if (fresh.length === 0) return;
    const said = fresh.length > BURST ? [{ key: fresh.at(-1)!.seq, text: burstText(fresh, nameOf) }] : fresh.map((message) => ({ key: message.seq, text: `${nameOf(message.sender)}: ${spoken(message)}` }));
    setEntries((before) => [...before, ...said].slice(-KEPT));
  }, [messages, me, nameOf]);

  return (
    <div role="log" aria-live="polite" aria-label="New messages" className="sr-only">
      {entries.map((entry) => (
        <p key={entry.key}>{entry.text}</p>
      ))}
    </div>
  );
}
