'use client';

import { useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { MessageRequest } from '@/lib/schemas';
import { useChatClient, useChatStore } from '../providers/chat-provider';
import { ConfirmButton } from './confirm-button';
import { focusConversationIfFell, focusFell } from './conversation-focus';
import { focusConversationList } from './list-focus';

/** Above the composer of a message request: read it first, then accept, ignore, or block. */
export function RequestBar({ request }: { request: MessageRequest }) {
  const store = useChatStore();
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  const bar = useRef<HTMLElement>(null);
  const handle = request.from?.handle;

  async function answer(action: 'accept' | 'ignore' | 'block') {
    setError(null);
    // Taken now: once answered, this bar and the focus on it go away.
    const hadFocus = bar.current?.contains(document.activeElement) ?? false;
    try {
      if (action === 'block') await apiFetch('/api/v1/blocks', { method: 'POST', body: JSON.stringify({ handle }) });
      else await apiFetch(`/api/v1/requests/${request.roomId}/${action}`, { method: 'POST' });
      // Accepted, it is now a conversation like any other and stays open. Otherwise back to the list
      // before the lists refresh (which would show it as "not available" for a moment), focus with it.
      if (action !== 'accept') store.getState().openRoom(null);
      await client?.refreshRooms();
      // Only if it fell meanwhile: the list may have taken it already, and the user moved on from there
      // (opened the next request and is answering it) while the lists refreshed.
      if (action !== 'accept' && hadFocus) setTimeout(() => focusFell() && focusConversationList(), 0);
      // Accepted: the bar went with the focus. The message box takes it where it may (composer.tsx), else the heading.
      if (action === 'accept' && hadFocus) setTimeout(focusConversationIfFell, 0);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section ref={bar} aria-label="Message request" className="border-t border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p>
        <strong>{request.from?.displayName ?? 'Someone'}</strong> (@{handle}) wants to message you. They will not know you have read this until you accept.
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" onClick={() => void answer('accept')} className="rounded bg-indigo-700 px-3 py-1 font-medium text-white">
          Accept
        </button>
        <button type="button" onClick={() => void answer('ignore')} className="rounded border border-slate-400 bg-surface px-3 py-1">
          Ignore
        </button>
        <ConfirmButton
          label="Block"
          question={`Block @${handle}? They will not be able to message you.`}
          confirmLabel={`Block @${handle}`}
          onConfirm={() => answer('block')}
        />
      </div>
      {error && (
        <p role="alert" className="mt-1 text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}
