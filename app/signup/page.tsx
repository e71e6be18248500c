import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/auth-form';
import { returnPath } from '@/lib/return-path';
import { currentActor } from '@/server/auth/current-actor';

export const metadata: Metadata = { title: 'Create account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const returnTo = returnPath((await searchParams).callbackUrl);
  // Already signed in: the chat, not a form that would sign this browser in as someone else.
  if (await currentActor()) redirect(returnTo ?? '/');
  return <AuthForm mode="signup" returnTo={returnTo} />;
}
