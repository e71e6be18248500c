'use client';

import { useChat } from '../providers/chat-provider';

/** Shown as soon as the connection drops (the browser's offline event, or the socket closing). */
export function ConnectionBanner() {
  const connected = useChat((state) => state.connected);
  const waiting = useChat((state) => state.outbox.filter((item) => item.status === 'pending').length);
  if (connected !== false) return null;
  return (
    <p role="status" className="bg-amber-100 px-3 py-1 text-center text-sm text-amber-950">
      Offline: messages you write are kept and sent when the connection returns
      {waiting > 0 ? ` (${waiting} waiting)` : ''}. Reconnecting…
    </p>
  );
}
