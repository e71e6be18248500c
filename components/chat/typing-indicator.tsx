'use client';

import { useEffect, useState } from 'react';
import { useChat } from '../providers/chat-provider';

const NOBODY: Record<string, number> = {};

/** "Alice is typing…" (by display name), fading by itself when the signal is not renewed. */
export function TypingIndicator({ roomId, nameOf }: { roomId: string; nameOf: (handle: string) => string }) {
  const typing = useChat((state) => state.typing[roomId]) ?? NOBODY;
  const [now, setNow] = useState(() => Date.now());
  const active = Object.entries(typing)
    .filter(([, until]) => until > now)
    .map(([handle]) => nameOf(handle));

  useEffect(() => {
    if (Object.keys(typing).length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [typing]);

  const who = active.length === 1 ? active[0] : `${active.slice(0, -1).join(', ')} and ${active.at(-1)}`;
  // The live region is always on the page: one added together with its words is often not read.
  return (
    <div role="status" aria-label="Typing">
      {active.length > 0 && (
        <p className="px-4 pb-1 text-xs italic text-slate-600">
          {who} {active.length === 1 ? 'is' : 'are'} typing…
        </p>
      )}
    </div>
  );
}
