'use client';

import { useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { excerptOf } from '@/lib/message-excerpt';
import type { MessageRequest } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';

/** First messages from people the user has never talked with: each opens read-only, to be answered there. */
export function RequestList() {
  const requests = useChat((state) => state.requests);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const store = useChatStore();
  if (requests.length === 0) return null;

  return (
    <section aria-label="Message requests" className="border-b border-slate-200 bg-amber-50 py-2 text-sm">
      <h3 className="px-3 pb-1 text-xs font-semibold uppercase text-amber-950">Message requests</h3>
      <ul>
        {requests.map((request) => (
          <li key={request.roomId}>
            {request.group !== undefined ? (
              <GroupInvite request={request} />
            ) : (
              <button
                type="button"
                onClick={() => store.getState().openRoom(request.roomId)}
                aria-current={request.roomId === activeRoomId ? 'true' : undefined}
                className="flex w-full items-center gap-3 px-3 py-1.5 text-left hover:bg-amber-100"
              >
                <Avatar handle={request.from?.handle ?? request.roomId} name={request.from?.displayName ?? '?'} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium text-slate-900">
                    {request.from?.displayName ?? 'Someone'} <span className="font-normal text-slate-600">@{request.from?.handle}</span>
                  </span>
                  <span className="block truncate text-slate-700">{request.lastMessage ? excerptOf(request.lastMessage) : ''}</span>
                </span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A group invite cannot be opened before it is accepted (nothing flows until then): answered in place. */
function GroupInvite({ request }: { request: MessageRequest }) {
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  async function answer(action: 'accept' | 'decline') {
    setError(null);
    try {
      await apiFetch(`/api/v1/invites/${request.roomId}/${action}`, { method: 'POST' });
      await client?.refreshRooms();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }
  return (
    <div className="flex items-center gap-3 px-3 py-1.5">
      <Avatar handle={request.from?.handle ?? request.roomId} name={request.from?.displayName ?? '?'} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-slate-900">
          {request.from?.displayName ?? 'Someone'} <span className="font-normal text-slate-600">@{request.from?.handle}</span>
        </p>
        <p className="truncate text-slate-700">{`invites you to the group "${request.group}"`}</p>
        <div className="mt-1 flex gap-2">
          <button type="button" onClick={() => void answer('accept')} className="rounded bg-indigo-700 px-2 text-white">
            Accept
          </button>
          <button type="button" onClick={() => void answer('decline')} className="rounded border border-slate-400 px-2 text-slate-900">
            Decline
          </button>
        </div>
        {error && <p role="alert" className="text-red-700">{error}</p>}
      </div>
    </div>
  );
}
