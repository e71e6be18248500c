import type { z } from 'zod';
import type { credentialsSchema } from '@/lib/schemas';
import { verifyCredentials } from '../users/verify-credentials';
import { createDeviceSession } from './device-sessions';
import { encodeSessionToken, SESSION_MAX_AGE_SECONDS } from './session-token';

/** Signs a non-browser client in: a device session of its own and a bearer token for it. */
export async function issueToken(input: z.infer<typeof credentialsSchema>, clientIp: string, userAgent: string | undefined) {
  const user = await verifyCredentials(input, clientIp);
  const session = await createDeviceSession(user.id, userAgent, 'api');
  const token = await encodeSessionToken({ sub: user.handle, sid: session.id });
  const expiresAt = new Date(session.createdAt.getTime() + SESSION_MAX_AGE_SECONDS * 1000).toISOString();
  return { token, expiresAt };
}
