import type { Metadata } from 'next';
import { NotificationSettingsPanel } from '@/components/notifications/notification-settings-panel';
import { BlockList } from '@/components/settings/block-list';
import { DeleteAccount } from '@/components/settings/delete-account';
import { IgnoredRequests } from '@/components/settings/ignored-requests';
import { PasswordAndSessions } from '@/components/settings/password-and-sessions';
import { PageHeader } from '@/components/ui/page-header';
import { Panel } from '@/components/ui/panel';
import { ThemeSetting } from '@/components/ui/theme';
import { currentActor } from '@/server/auth/current-actor';
import { redirectToSignIn } from '@/server/auth/sign-in-redirect';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const actor = await currentActor();
  if (!actor) return redirectToSignIn();
  return (
    <main className="mx-auto max-w-2xl space-y-6 p-4 sm:p-6">
      <PageHeader title="Settings" />
      <p className="text-sm text-slate-600">
        Signed in as <strong>{actor.displayName}</strong> (@{actor.handle})
      </p>
      <NotificationSettingsPanel />
      <Panel id="appearance" title="Appearance">
        <ThemeSetting />
      </Panel>
      <PasswordAndSessions />
      <IgnoredRequests />
      <BlockList />
      <DeleteAccount />
    </main>
  );
}
