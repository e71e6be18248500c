'use client';

import { useEffect, useState } from 'react';
import { useChat } from '../providers/chat-provider';

const NOBODY: Record<string, number> = {};
// Named up to three; past that two and a count, so a crowd stays one short line (and a short thing to hear).
const NAMED_MAX = 3;

export function typingText(names: string[]) {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= NAMED_MAX) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others are typing…`;
}

/**
 * "Alice is typing…" (by display name), fading by itself when the signal is not renewed. Only members
 * are shown: someone removed mid-sentence sends no "stopped" (the server no longer lets them speak there).
 */
export function TypingIndicator({ roomId, nameOf }: { roomId: string; nameOf: (handle: string) => string }) {
  const typing = useChat((state) => state.typing[roomId]) ?? NOBODY;
  const members = useChat((state) => state.rooms[roomId]?.members);
  const [now, setNow] = useState(() => Date.now());
  const active = Object.entries(typing)
    .filter(([handle, until]) => until > now && (!members || members.some((member) => member.handle === handle)))
    .map(([handle]) => nameOf(handle));

  useEffect(() => {
    if (Object.keys(typing).length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [typing]);


  // The live region is always on the page: one added together with its words is often not read.
  return (
    <div role="status" aria-label="Typing">
      {active.length > 0 && (
        <p className="truncate px-4 pb-1 text-xs italic text-slate-600">{typingText(active)}</p>
      )}
    </div>
  );
}
