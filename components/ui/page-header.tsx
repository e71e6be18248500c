import { BackToChat } from './back-to-chat';
import { FollowSignOuts } from './follow-sign-outs';
import { PageTitle } from './page-title';

/** A page's title with the way back to the chat (to the conversation that was open). */
export function PageHeader({ title }: { title: string }) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-2">
      <PageTitle title={title} />
      <BackToChat />
      <FollowSignOuts />
    </header>
  );
}
