'use client';

import { useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { MessageRequest } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';

/** First messages from people the user has never talked with: accept, ignore, or block. */
export function RequestList() {
  const requests = useChat((state) => state.requests);
  const store = useChatStore();
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  if (requests.length === 0) return null;

  async function answer(request: MessageRequest, action: 'accept' | 'ignore' | 'block') {
    setError(null);
    try {
      if (action === 'block') {
        await apiFetch('/api/v1/blocks', { method: 'POST', body: JSON.stringify({ handle: request.from?.handle }) });
      } else {
        // A group invite (`group` set) is answered at /invites: accept or decline.
        const path = request.group === undefined ? `requests/${request.roomId}/${action}` : `invites/${request.roomId}/${action === 'accept' ? 'accept' : 'decline'}`;
        await apiFetch(`/api/v1/${path}`, { method: 'POST' });
      }
      await client?.refreshRooms();
      if (action === 'accept' && request.group === undefined) store.getState().openRoom(request.roomId);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section aria-label="Message requests" className="border-b border-slate-200 bg-amber-50 p-3 text-sm">
      <h3 className="mb-1 text-xs font-medium uppercase text-amber-800">Message requests</h3>
      <ul className="space-y-2">
        {requests.map((request) => (
          <li key={request.roomId}>
            <p className="font-medium">{request.from?.displayName ?? 'Someone'} <span className="text-slate-500">@{request.from?.handle}</span></p>
            <p className="truncate text-slate-600">{request.group === undefined ? request.lastMessage?.body : `invites you to the group "${request.group}"`}</p>
            <div className="mt-1 flex gap-2">
              <button type="button" onClick={() => void answer(request, 'accept')} className="rounded bg-indigo-600 px-2 text-white">
                Accept
              </button>
              <button type="button" onClick={() => void answer(request, 'ignore')} className="rounded border border-slate-300 px-2">
                {request.group === undefined ? 'Ignore' : 'Decline'}
              </button>
              <button type="button" onClick={() => void answer(request, 'block')} className="rounded border border-red-300 px-2 text-red-700">
                Block
              </button>
            </div>
          </li>
        ))}
      </ul>
      {error && <p role="alert" className="text-red-700">{error}</p>}
    </section>
  );
}
