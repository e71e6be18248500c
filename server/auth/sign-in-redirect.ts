import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { PAGE_PATH_HEADER, returnPath, withReturnTo } from '@/lib/return-path';

/** To sign in, and back to the page asked for once signed in (a link to a conversation, Settings). */
export async function redirectToSignIn(): Promise<never> {
  redirect(withReturnTo('/signin', returnPath((await headers()).get(PAGE_PATH_HEADER))));
}
