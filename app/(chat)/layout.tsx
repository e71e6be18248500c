import type { ReactNode } from 'react';
import { ChatApp } from '@/components/chat/chat-app';
import { ChatProvider } from '@/components/providers/chat-provider';
import { currentActor } from '@/server/auth/current-actor';
import { redirectToSignIn } from '@/server/auth/sign-in-redirect';
import { toPublicUser } from '@/server/users/public-user';

// `/` (the list) and `/c/[roomId]` (one conversation) share this layout, so moving between them keeps
// the socket, the store and the loaded history; the chat reads the open conversation from the URL.
export default async function ChatLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  if (!actor) return redirectToSignIn();
  return (
    <ChatProvider me={toPublicUser(actor)}>
      <ChatApp isAdmin={actor.role === 'admin'} />
      {children}
    </ChatProvider>
  );
}
