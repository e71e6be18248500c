import { cookies, headers } from 'next/headers';
import type { Actor } from './authenticate';
import { authenticateToken } from './authenticate';
import { tokenFromHeaders } from './session-token';

/** The signed-in user of the page being rendered, or null. */
export async function currentActor(): Promise<Actor | null> {
  const cookieHeader = (await cookies()).toString();
  const token = tokenFromHeaders((await headers()).get('authorization'), cookieHeader);
  return authenticateToken(token);
}
