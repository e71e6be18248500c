'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { chatLeftFor } from '../chat/account-link-focus';
import { cameFromChat, markCameFromChat } from '../chat/history-entry';
import { LAST_CHAT_PATH_KEY } from '../chat/use-room-route';

/**
 * Back to the conversation that was open before settings or admin (kept per tab). Come by the chat's own
 * link, the entry before this page is the chat's: it goes back to it rather than adding another, so Back
 * afterwards does not return here.
 */
export function BackToChat() {
  const router = useRouter();
  const [href, setHref] = useState('/');
  useEffect(() => {
    const last = sessionStorage.getItem(LAST_CHAT_PATH_KEY);
    if (last?.startsWith('/')) setHref(last);
    // Noted on this page's own entry, so a reload, Back and Forward keep it with the entry it is true of.
    if (chatLeftFor() === window.location.pathname) markCameFromChat();
  }, []);
  return (
    <Link
      href={href}
      onClick={(event) => {
        // A new tab or window asked for (modifier keys, middle button) is the link's to open.
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
        if (!cameFromChat()) return;
        event.preventDefault();
        router.back();
      }}
      className="rounded border border-slate-300 px-3 py-1 text-sm font-medium text-indigo-800 hover:bg-slate-100"
    >
      ← Back to chat
    </Link>
  );
}
