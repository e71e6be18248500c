'use client';

import { useRef } from 'react';
import { apiFetch } from '@/lib/api-client';
import { excerptOf } from '@/lib/message-excerpt';
import type { MessageRequest } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { useApiList } from '../ui/use-api-list';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';

/** Message requests the user ignored: still readable here, and acceptable after all (which opens the conversation). */
export function IgnoredRequests() {
  const { items: requests, loaded, error, act } = useApiList<MessageRequest>('/api/v1/requests?status=ignored', (body) => body.requests);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, requests);
  const accept = async (roomId: string) => {
    const accepted = await act(() => apiFetch(`/api/v1/requests/${roomId}/accept`, { method: 'POST' }));
    if (accepted) window.location.assign(`/c/${roomId}`);
  };

  return (
    <Panel id="ignored-requests" title="Ignored requests" error={error}>
      {loaded && requests.length === 0 && <p className="text-sm text-slate-600">No ignored requests. Requests you ignore wait here; the sender is not told.</p>}
      <ul ref={list} aria-label="Ignored requests" className="divide-y divide-slate-100">
        {requests.map((request) => (
          <li key={request.roomId} className="flex items-center justify-between gap-2 py-2 text-sm">
            <span className="min-w-0">
              <span className="block truncate">
                {request.from?.displayName ?? 'Someone'} <span className="text-slate-600">@{request.from?.handle}</span>
              </span>
              <span className="block truncate text-slate-700">{request.lastMessage ? excerptOf(request.lastMessage) : ''}</span>
            </span>
            <button type="button" onClick={() => void accept(request.roomId)} className="shrink-0 rounded border border-slate-300 px-2 py-1">
              Accept @{request.from?.handle}
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
