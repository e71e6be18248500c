'use client';

import Link from 'next/link';
import { useState } from 'react';
import { signOutHere } from '@/lib/sign-out';
import { NotificationCenter } from '../notifications/notification-center';
import { useChat, useChatClient } from '../providers/chat-provider';
import { useHydrated } from '../ui/use-hydrated';
import { rememberLeavingBy, useAccountLinkFocus } from './account-link-focus';
import { ConnectionBanner } from './connection-banner';
import { ContactList } from './contact-list';
import { Conversation } from './conversation';
import { MessageFinder } from './message-finder';
import { NewGroupForm } from './new-group-form';
import { ProfileEditor } from './profile-editor';
import { RequestList } from './request-list';
import { RoomList } from './room-list';
import { useConversationKeys } from './use-conversation-keys';
import { useRoomRoute } from './use-room-route';
import { useTabBadge } from './use-tab-badge';
import { GoneConversations } from './unsent-list';
import { UserSearch } from './user-search';

const navLink = 'rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100';

/**
 * One codebase, two layouts: wide screens show the list and the conversation side by side; below
 * 768 px one pane at a time, the list at `/` and the conversation at `/c/<roomId>` with a back button.
 */
export function ChatApp({ isAdmin = false }: { isAdmin?: boolean }) {
  useRoomRoute();
  useTabBadge();
  useConversationKeys();
  useAccountLinkFocus();
  // A group that closed under the user stays in view on a phone too, to say why (conversation.tsx).
  const open = useChat((state) => state.activeRoomId !== null || state.draftPeer !== null || state.leftRoom !== null);
  // Why the last Sign out did not happen, as it was then: offline, or the server did not answer.
  const [signOutRefused, setSignOutRefused] = useState<'offline' | 'no answer' | null>(null);
  const offline = useChat((state) => state.connected === false);
  const hydrated = useHydrated();
  return (
    <div className="flex h-dvh flex-col">
      {/* The page's one top heading, for screen readers' heading navigation (the panes name themselves), and
          the connection's state: the page's banner landmark, so nothing on the page is outside a landmark. */}
      <header>
        <h1 className="sr-only">Relay</h1>
        <ConnectionBanner />
      </header>
      {/* With no conversation open the list is what the page is for (a phone shows nothing else), so the
          panes are the main landmark; an open conversation is its own. A role rather than <main>: changing
          the element would remount the list, losing its fields and focus. */}
      <div role={open ? undefined : 'main'} className="flex min-h-0 flex-1">
        <aside
          className={`${open ? 'hidden md:flex' : 'flex'} w-full min-w-0 shrink-0 flex-col border-r border-slate-200 bg-surface md:w-80`}
          aria-label="Conversations"
        >
          {/* For screen readers' heading navigation: the list's sections (requests, contacts) are h3s under it. */}
          <h2 className="sr-only">Conversations</h2>
          <header className="border-b border-slate-200 p-3">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <ProfileEditor />
              </div>
              <nav aria-label="Account" className="flex shrink-0 flex-wrap items-center justify-end gap-1">
                <Link href="/settings" onClick={() => rememberLeavingBy('/settings')} className={navLink}>
                  Settings
                </Link>
                {isAdmin && (
                  <Link href="/admin" onClick={() => rememberLeavingBy('/admin')} className={navLink}>
                    Moderation
                  </Link>
                )}
                <button
                  type="button"
                  disabled={!hydrated}
                  onClick={async () => {
                    const wasOffline = !navigator.onLine;
                    setSignOutRefused((await signOutHere()) ? null : wasOffline ? 'offline' : 'no answer');
                  }}
                  className="rounded border border-slate-300 px-2 py-1 text-sm"
                >
                  Sign out
                </button>
              </nav>
            </div>
            {/* On a line of its own: inside the nav, which does not shrink, it widened the header past the pane.
                Offline, it is said until the connection is back. */}
            {(signOutRefused === 'no answer' || (signOutRefused === 'offline' && offline)) && (
              <p role="alert" className="mt-1 text-right text-xs text-red-800">
                {signOutRefused === 'offline' ? 'You are offline: sign out once the connection is back.' : 'The server did not answer: you are still signed in. Try again.'}
              </p>
            )}
          </header>
          <div data-testid="conversation-list-scroller" className="min-h-0 flex-1 overflow-y-auto">
            <GoneConversations />
            <MessageFinder>
              <UserSearch />
              <RequestList />
              <NewGroupForm />
              <RoomListState />
              <ContactList />
            </MessageFinder>
          </div>
        </aside>
        <div className={`${open ? 'flex' : 'hidden md:flex'} min-w-0 flex-1`}>
          <Conversation />
        </div>
      </div>
      <NotificationCenter />
    </div>
  );
}

/** Skeletons while the list loads, an error with Retry if it failed, then the list. */
function RoomListState() {
  const status = useChat((state) => state.roomsStatus);
  const client = useChatClient();
  if (status === 'loading') {
    return (
      <div aria-busy="true" className="space-y-3 p-3">
        <span className="sr-only">Loading conversations…</span>
        {[0, 1, 2, 3].map((index) => (
          <div key={index} aria-hidden="true" className="flex animate-pulse items-center gap-2">
            <span className="h-9 w-9 rounded-full bg-slate-200" />
            <span className="flex-1 space-y-1">
              <span className="block h-3 w-1/2 rounded bg-slate-200" />
              <span className="block h-3 w-3/4 rounded bg-slate-100" />
            </span>
          </div>
        ))}
      </div>
    );
  }
  if (status === 'error') {
    return (
      <p role="alert" className="p-3 text-sm text-red-800">
        Could not load your conversations.{' '}
        <button type="button" onClick={() => void client?.loadRooms()} className="rounded border border-red-300 px-2 py-0.5">
          Retry
        </button>
      </p>
    );
  }
  return <RoomList />;
}
