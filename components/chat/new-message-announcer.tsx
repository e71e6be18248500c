'use client';

import { useEffect, useRef, useState } from 'react';
import { useChat } from '../providers/chat-provider';

/** Reads new messages from others aloud to screen readers (a polite live log), one at a time. */
export function NewMessageAnnouncer({ roomId, me, nameOf }: { roomId: string; me: string; nameOf: (handle: string) => string }) {
  const messages = useChat((state) => state.messagesByRoom[roomId]);
  const seen = useRef<number | null>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    const last = messages?.at(-1)?.seq ?? 0;
    // History already on screen when the conversation opens is not announced.
    if (seen.current === null) {
      if (messages) seen.current = last;
      return;
    }
    const fresh = (messages ?? []).filter((message) => message.seq > seen.current! && message.sender !== me && message.kind === 'text' && !message.deleted);
    seen.current = Math.max(seen.current, last);
    if (fresh.length > 0) setText(fresh.map((message) => `${nameOf(message.sender)}: ${message.body}`).join('\n'));
  }, [messages, me, nameOf]);

  return (
    <div role="log" aria-live="polite" aria-label="New messages" className="sr-only">
      {text}
    </div>
  );
}
