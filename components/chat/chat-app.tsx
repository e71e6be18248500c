'use client';

import Link from 'next/link';
import { signOut } from 'next-auth/react';
import { NotificationCenter } from '../notifications/notification-center';
import { useChat } from '../providers/chat-provider';
import { ContactList } from './contact-list';
import { Conversation } from './conversation';
import { NewGroupForm } from './new-group-form';
import { ProfileEditor } from './profile-editor';
import { RequestList } from './request-list';
import { RoomList } from './room-list';
import { UserSearch } from './user-search';

export function ChatApp({ isAdmin = false }: { isAdmin?: boolean }) {
  const connected = useChat((state) => state.connected);
  return (
    <div className="flex h-full flex-col">
      {connected === false && (
        <p role="status" className="bg-amber-100 px-3 py-1 text-center text-sm text-amber-900">
          Offline: messages you write are kept and sent when the connection returns.
        </p>
      )}
      <div className="flex min-h-0 flex-1">
        <aside className="flex w-80 shrink-0 flex-col border-r border-slate-200 bg-white" aria-label="Conversations">
          <header className="flex items-start justify-between border-b border-slate-200 p-3">
            <ProfileEditor />
            <div className="flex flex-col items-end gap-1">
              <button
                type="button"
                onClick={() => void signOut({ callbackUrl: '/signin' })}
                className="rounded border border-slate-300 px-2 py-1 text-sm"
              >
                Sign out
              </button>
              <Link href="/settings" className="text-xs text-indigo-700 underline">
                Settings
              </Link>
              {isAdmin && (
                <Link href="/admin" className="text-xs text-indigo-700 underline">
                  Moderation
                </Link>
              )}
            </div>
          </header>
          <UserSearch />
          <RequestList />
          <NewGroupForm />
          <RoomList />
          <ContactList />
        </aside>
        <Conversation />
      </div>
      <NotificationCenter />
    </div>
  );
}
