import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/auth-form';
import { currentActor } from '@/server/auth/current-actor';

export default async function SignUpPage() {
  // Already signed in: the chat, not a form that would sign this browser in as someone else.
  if (await currentActor()) redirect('/');
  return <AuthForm mode="signup" />;
}
