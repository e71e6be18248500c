import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/auth-form';
import { returnPath } from '@/lib/return-path';
import { currentActor } from '@/server/auth/current-actor';

export const metadata: Metadata = { title: 'Sign in' };

// Why the user was sent here (`?reason=`), said on the form rather than landing on a bare page.
const reasons: Record<string, string> = {
  ended:
    'You were signed out: this session was ended from another device, or the account was suspended or banned. Sign in again to continue; if the account is suspended or banned, signing in says so.',
  deleted: 'Your account was deleted. Thank you for using Relay.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { reason, callbackUrl } = await searchParams;
  const returnTo = returnPath(callbackUrl);
  // Already signed in (Back after signing in, an old bookmark): the chat, not the form.
  if (await currentActor()) redirect(returnTo ?? '/');
  return <AuthForm mode="signin" returnTo={returnTo} notice={typeof reason === 'string' ? reasons[reason] : undefined} />;
}
