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

/** Uploads, per user across nodes: each is up to ATTACHMENT_MAX_BYTES of disk until it is sent or swept. */
export function limitUploading(userId: string) {
  const { RATE_UPLOAD_PER_MIN, RATE_UPLOAD_BURST } = getRuntime().env;
  return enforce(`upload:${userId}`, RATE_UPLOAD_PER_MIN / 60_000, RATE_UPLOAD_BURST, 'You are uploading too many files.');
}

const authRule = () => {
  const { RATE_AUTH_PER_MIN, RATE_AUTH_BURST } = getRuntime().env;
  return { rate: RATE_AUTH_PER_MIN / 60_000, burst: RATE_AUTH_BURST };
};

/** Sign-ups, limited per client IP (a sign-up asking for a taken handle charges no account). */
export async function limitAuthAttempt(clientIp: string) {
  const { rate, burst } = authRule();
  await enforce(`auth-ip:${clientIp}`, rate, burst, 'Too many attempts from your network.');
}

/**
 * Sign-ins are charged only when they fail, per account and address, so nobody else's misses can keep
 * an account out; an address is also capped across all accounts (a guesser trying many). Each miss
 * past the free ones doubles the wait, starting at one refill interval of RATE_AUTH_PER_MIN.
 */
const signInRules = () => {
  const { RATE_AUTH_PER_MIN, RATE_AUTH_BURST } = getRuntime().env;
  const baseMs = Math.ceil(60_000 / RATE_AUTH_PER_MIN);
  return {
    account: { free: RATE_AUTH_BURST, baseMs, maxMs: 15 * 60_000 },
    address: { free: RATE_AUTH_BURST * ADDRESS_CAP_FACTOR, baseMs, maxMs: 15 * 60_000 },
  };
};
const ADDRESS_CAP_FACTOR = 4;

const signInKeys = (clientIp: string, account: string) => ({
  account: `signin:${account.trim().toLowerCase()}:${clientIp}`,
  address: `signin-ip:${clientIp}`,
});

/** Refuses an address held back across accounts: callable before a request's body is read. */
export async function refuseLockedAddress(clientIp: string) {
  throwIfLocked(await getRuntime().failures.lockedFor(signInKeys(clientIp, '').address));
}

function throwIfLocked(retryAfterMs: number) {
  if (retryAfterMs <= 0) return;
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${seconds} s.`, { retryAfterMs });
}

/** Runs a sign-in (`attempt` throws `unauthorized` on a wrong password), refusing while this address is held back. */
export async function guardSignIn<T>(clientIp: string, account: string, attempt: () => Promise<T>): Promise<T> {
  const { failures } = getRuntime();
  const keys = signInKeys(clientIp, account);
  const waits = await Promise.all([failures.lockedFor(keys.account), failures.lockedFor(keys.address)]);
  throwIfLocked(Math.max(...waits));
  try {
    const result = await attempt();
    await failures.clear(keys.account);
    return result;
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') {
      const rules = signInRules();
      await Promise.all([failures.fail(keys.account, rules.account), failures.fail(keys.address, rules.address)]);
    }
    throw error;
  }
}

/** The header server.ts stamps with the client address (overwriting anything the client sent). */
export const CLIENT_IP_HEADER = 'x-relay-client-ip';

export const clientIpOf = (headerValue: unknown) => (typeof headerValue === 'string' && headerValue ? headerValue : 'unknown');
