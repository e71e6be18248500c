import { AppError } from '@/lib/errors';
import { getRuntime } from '../runtime';

async function enforce(key: string, ratePerMs: number, burst: number, what: string) {
  const { allowed, retryAfterMs } = await getRuntime().buckets.take(key, { ratePerMs, burst });
  if (!allowed) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new AppError('rate_limited', `${what} Try again in ${seconds} s.`, { retryAfterMs });
  }
}

const sendRule = () => {
  const { RATE_SEND_PER_SEC, RATE_SEND_BURST } = getRuntime().env;
  return { ratePerMs: RATE_SEND_PER_SEC / 1000, burst: RATE_SEND_BURST };
};

/** A sustained RATE_SEND_PER_SEC with bursts of RATE_SEND_BURST, per user, across all nodes. */
export function limitSending(userId: string) {
  const { ratePerMs, burst } = sendRule();
  return enforce(`send:${userId}`, ratePerMs, burst, 'You are sending too fast.');
}

/** A send that stored nothing new (a retry of a stored message) does not count against the limit. */
export function refundSending(userId: string) {
  return getRuntime().buckets.give(`send:${userId}`, sendRule());
}

const authRule = () => {
  const { RATE_AUTH_PER_MIN, RATE_AUTH_BURST } = getRuntime().env;
  return { rate: RATE_AUTH_PER_MIN / 60_000, burst: RATE_AUTH_BURST };
};

/** Sign-in and sign-up attempts, limited per client IP and, when given, per account too. */
export async function limitAuthAttempt(clientIp: string, account?: string) {
  const { rate, burst } = authRule();
  await enforce(`auth-ip:${clientIp}`, rate, burst, 'Too many attempts from your network.');
  if (account) await limitAccountAttempt(account);
}

/**
 * Attempts on one account (a sign-in, or a sign-up asking for that handle), from any address: one
 * bucket per handle, so guessing or squatting from many IPs is capped too.
 */
export function limitAccountAttempt(account: string) {
  const { rate, burst } = authRule();
  return enforce(`auth-account:${account.trim().toLowerCase()}`, rate, burst, 'Too many attempts for this account.');
}

/** The header server.ts stamps with the client address (overwriting anything the client sent). */
export const CLIENT_IP_HEADER = 'x-relay-client-ip';

export const clientIpOf = (headerValue: unknown) => (typeof headerValue === 'string' && headerValue ? headerValue : 'unknown');
