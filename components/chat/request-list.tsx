'use client';

import { useEffect, useRef, useState } from 'react';
import { ApiError, apiFetch } from '@/lib/api-client';
import { excerptOf } from '@/lib/message-excerpt';
import type { MessageRequest } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';

type Notice = { text: string; alert: boolean };

/** First messages from people the user has never talked with: each opens read-only, to be answered there. */
export function RequestList() {
  const requests = useChat((state) => state.requests);
  const activeRoomId = useChat((state) => state.activeRoomId);
  const store = useChatStore();
  const [notice, setNotice] = useState<Notice | null>(null);
  // Said until the user moves on: opening a conversation clears it, so it never outlives what it said
  // (the group renamed, or left, later).
  useEffect(() => setNotice(null), [activeRoomId]);
  const list = useRef<HTMLUListElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The index of an answered invite: once it is off the list, focus goes to the row now in its place (or
  // the last one, or the heading) rather than falling to <body> with its buttons.
  const refocusAt = useRef<number | null>(null);
  useEffect(() => {
    const index = refocusAt.current;
    if (index === null) return;
    refocusAt.current = null;
    const rows = list.current?.children ?? [];
    const row = rows[Math.min(index, rows.length - 1)];
    (row?.querySelector('button') ?? heading.current)?.focus();
  }, [requests]);

  // The section stays while it has something to say, so the notice (and focus) are not lost with the last invite.
  if (requests.length === 0 && !notice) return null;

  return (
    <section aria-label="Message requests" className="border-b border-slate-200 bg-amber-50 py-2 text-sm">
      <h3 ref={heading} tabIndex={-1} className="px-3 pb-1 text-xs font-semibold uppercase text-amber-950 outline-none">
        Message requests
      </h3>
      <ul ref={list}>
        {requests.map((request, index) => (
          <li key={request.roomId}>
            {request.group !== undefined ? (
              <GroupInvite
                request={request}
                onGone={(next) => {
                  refocusAt.current = index;
                  setNotice(next);
                }}
              />
            ) : (
              <button
                type="button"
                onClick={() => store.getState().openRoom(request.roomId)}
                aria-current={request.roomId === activeRoomId ? 'true' : undefined}
                className="flex w-full items-center gap-3 px-3 py-1.5 text-left hover:bg-amber-100"
              >
                <Avatar handle={request.from?.handle ?? request.roomId} name={request.from?.displayName ?? '?'} url={request.from?.avatarUrl} />
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
      {notice && (
        <p role={notice.alert ? 'alert' : 'status'} className={`px-3 pt-1 ${notice.alert ? 'text-red-800' : 'text-slate-800'}`}>
          {notice.text}
        </p>
      )}
    </section>
  );
}

/** A group invite cannot be opened before it is accepted (nothing flows until then): answered in place. */
function GroupInvite({ request, onGone }: { request: MessageRequest; onGone: (notice: Notice) => void }) {
  const client = useChatClient();
  const store = useChatStore();
  const [error, setError] = useState<string | null>(null);
  async function answer(action: 'accept' | 'decline') {
    setError(null);
    try {
      await apiFetch(`/api/v1/invites/${request.roomId}/${action}`, { method: 'POST' });
      onGone({ text: action === 'accept' ? `You joined "${request.group}".` : `You declined the invite to "${request.group}".`, alert: false });
      await client?.refreshRooms();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) {
        // It lapsed (its sender left, or a block) and nothing told this tab: it can only be taken off.
        onGone({ text: 'This invite is no longer open.', alert: true });
        const { requests, setRequests } = store.getState();
        setRequests(requests.filter((other) => other.roomId !== request.roomId));
      } else setError((failure as Error).message);
    }
  }
  return (
    <div className="flex items-center gap-3 px-3 py-1.5">
      <Avatar handle={request.from?.handle ?? request.roomId} name={request.from?.displayName ?? '?'} url={request.from?.avatarUrl} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-slate-900">
          {request.from?.displayName ?? 'Someone'} <span className="font-normal text-slate-600">@{request.from?.handle}</span>
        </p>
        <p className="truncate text-slate-700">{`invites you to the group "${request.group}"`}</p>
        <div className="mt-1 flex gap-2">
          <button type="button" onClick={() => void answer('accept')} className="rounded bg-indigo-700 px-2 text-white">
            Accept<span className="sr-only">{` the invite to "${request.group}"`}</span>
          </button>
          <button type="button" onClick={() => void answer('decline')} className="rounded border border-slate-400 px-2 text-slate-900">
            Decline<span className="sr-only">{` the invite to "${request.group}"`}</span>
          </button>
        </div>
        {error && <p role="alert" className="text-red-700">{error}</p>}
      </div>
    </div>
  );
}
