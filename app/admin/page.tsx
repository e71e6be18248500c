import type { Metadata } from 'next';
import Link from 'next/link';
import { ModerationConsole } from '@/components/admin/moderation-console';
import { PageHeader } from '@/components/ui/page-header';
import { currentActor } from '@/server/auth/current-actor';
import { redirectToSignIn } from '@/server/auth/sign-in-redirect';

export const metadata: Metadata = { title: 'Moderation' };

export default async function AdminPage() {
  const actor = await currentActor();
  if (!actor) return redirectToSignIn();
  if (actor.role !== 'admin') {
    return (
      <main className="mx-auto max-w-xl p-6">
        <h1 className="text-2xl font-semibold">Moderation</h1>
        <p role="alert" className="mt-4 text-red-800">
          This page is for moderators only.
        </p>
        <Link href="/" className="text-indigo-800 underline">
          Back to chat
        </Link>
      </main>
    );
  }
  return (
    <main className="mx-auto max-w-5xl space-y-6 p-4 sm:p-6">
      <PageHeader title="Moderation" />
      <ModerationConsole />
    </main>
  );
}
