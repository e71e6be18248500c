import { redirect } from 'next/navigation';
import { ChatApp } from '@/components/chat/chat-app';
import { ChatProvider } from '@/components/providers/chat-provider';
import { currentActor } from '@/server/auth/current-actor';

export default async function HomePage() {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  return (
    <ChatProvider me={{ handle: actor.handle, displayName: actor.displayName }}>
      <ChatApp isAdmin={actor.role === 'admin'} />
    </ChatProvider>
  );
}
