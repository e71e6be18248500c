import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { SignInErrorCode } from '@/lib/sign-in-errors';
import { AppError } from '@/lib/errors';
import { credentialsSchema } from '@/lib/schemas';
import { log } from '../ops/logger';
import { getRuntime } from '../runtime';
import { CLIENT_IP_HEADER, clientIpOf } from '../safety/rate-limits';
import { AccountLockedError, verifyCredentials } from '../users/verify-credentials';
import { liveSessionActor } from './authenticate';
import { createDeviceSession, revokeDeviceSession } from './device-sessions';
import { SESSION_MAX_AGE_SECONDS } from './session-token';

/** next-auth with a credentials provider; every sign-in is a device session of its own. */
export function authOptions(): NextAuthOptions {
  return {
    secret: getRuntime().env.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Relay',
        credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, request) {
          const parsed = credentialsSchema.safeParse({ username: credentials?.username, password: credentials?.password });
          if (!parsed.success) return null;
          // next-auth hands a thrown error's message to the page as `error`: the form says why, not just "wrong password".
          const user = await verifyCredentials(parsed.data, clientIpOf(request?.headers?.[CLIENT_IP_HEADER])).catch((error) => {
            if (error instanceof AppError && error.code === 'unauthorized') return null;
            throw signInError(error);
          });
          if (!user) return null;
          const userAgent = request?.headers?.['user-agent'] as string | undefined;
          const session = await createDeviceSession(user.id, userAgent, 'browser');
          return { id: user.handle, name: user.displayName, sessionId: session.id };
        },
      }),
    ],
    callbacks: {
      // next-auth's default parses callbackUrl with new URL() and answers a 500 when that throws:
      // a callbackUrl that is not one of our paths or pages goes home, like one of another site.
      redirect({ url, baseUrl }) {
        if (url.startsWith('/') && !url.startsWith('//')) return `${baseUrl}${url}`;
        if (URL.canParse(url) && new URL(url).origin === baseUrl) return url;
        return baseUrl;
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = (user as { sessionId?: string }).sessionId;
          return token;
        }
        // A session ended elsewhere (signed out, ended from another device, the account locked out) is not
        // renewed by /api/auth/session: the throw makes next-auth answer {} and clear the cookie.
        if (typeof token.sid !== 'string' || !(await liveSessionActor(token.sid))) throw new Error('session ended');
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, handle: token.sub } };
      },
    },
    // next-auth's own logger printed multi-line objects with stacks to the console (for a bad session
    // cookie, which anyone can send): one JSON line instead, with the code and the reason only.
    logger: {
      error: (code, metadata) => log().warn({ code, err: reasonOf(metadata) }, 'next-auth error'),
      warn: (code) => log().warn({ code }, 'next-auth warning'),
      debug: () => {},
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid !== 'string') return;
        await revokeDeviceSession(token.sid);
        await getRuntime().broadcaster.disconnectSession(token.sid);
      },
    },
  };
}

/**
 * The code the sign-in page shows for a refusal. Only a correct password reaches the suspended or
 * banned check (verifyCredentials), so naming it tells a guesser nothing.
 */
function signInError(error: unknown): Error {
  const code: SignInErrorCode | null =
    error instanceof AccountLockedError
      ? error.lockout === 'banned' ? 'Banned' : 'Suspended'
      : error instanceof AppError && error.code === 'rate_limited' ? 'RateLimited' : null;
  if (code) return new Error(code);
  // Anything else is ours to log, not the page's to show.
  log().error({ err: error instanceof Error ? error.message : String(error) }, 'sign-in failed');
  return new Error('CredentialsSignin');
}

// next-auth passes an Error, or an object carrying one under `error`.
function reasonOf(metadata: unknown): string {
  const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
  return error instanceof Error ? error.message : String((metadata as { message?: unknown } | undefined)?.message ?? metadata);
}
