import { BackToChat } from './back-to-chat';
import { FollowSignOuts } from './follow-sign-outs';

/** A page's title with the way back to the chat (to the conversation that was open). */
export function PageHeader({ title }: { title: string }) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <BackToChat />
      <FollowSignOuts />
    </header>
  );
}
