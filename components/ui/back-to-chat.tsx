'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { LAST_CHAT_PATH_KEY } from '../chat/use-room-route';

/** Back to the conversation that was open before settings or admin (kept per tab). */
export function BackToChat() {
  const [href, setHref] = useState('/');
  useEffect(() => {
    const last = sessionStorage.getItem(LAST_CHAT_PATH_KEY);
    if (last?.startsWith('/')) setHref(last);
  }, []);
  return (
    <Link href={href} className="rounded border border-slate-300 px-3 py-1 text-sm font-medium text-indigo-800 hover:bg-slate-100">
      ← Back to chat
    </Link>
  );
}
