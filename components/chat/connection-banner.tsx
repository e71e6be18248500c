'use client';

import { useEffect, useRef, useState } from 'react';
import { useChat } from '../providers/chat-provider';

/** How long "Back online." stays in the live region once the connection returns. */
const BACK_ONLINE_MS = 5_000;

/**
 * Shown as soon as the connection drops (the browser's offline event, or the socket closing), and said
 * again, to screen readers only, when it is back. The live region is always on the page: one added
 * together with its words is often not read at all, and the banner going away says nothing.
 */
export function ConnectionBanner() {
  const connected = useChat((state) => state.connected);
  const waiting = useChat((state) => state.outbox.filter((item) => item.status === 'pending').length);
  const [backOnline, setBackOnline] = useState(false);
  const wasOffline = useRef(false);
  useEffect(() => {
    if (connected === false) {
      wasOffline.current = true;
      setBackOnline(false);
      return;
    }
    if (!connected || !wasOffline.current) return;
    wasOffline.current = false;
    setBackOnline(true);
    const timer = setTimeout(() => setBackOnline(false), BACK_ONLINE_MS);
    return () => clearTimeout(timer);
  }, [connected]);
  return (
    <div role="status">
      {connected === false ? (
        <p className="bg-amber-100 px-3 py-1 text-center text-sm text-amber-950">
          Offline: messages you write are kept and sent when the connection returns
          {waiting > 0 ? ` (${waiting} waiting)` : ''}. Reconnecting…
        </p>
      ) : (
        backOnline && <p className="sr-only">Back online.</p>
      )}
    </div>
  );
}
