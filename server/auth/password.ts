import { availableParallelism } from 'node:os';
import { hashSync } from '@node-rs/bcrypt';
import { passwordFitsHash } from '@/lib/schemas';
import { ConcurrencyLimit } from '../ops/concurrency-limit';
import { HASHING_IS_LOW_PRIORITY, HashingThreads } from './hashing-threads';

// Native bcrypt, off the event loop. Its hashes are the standard $2b$ format, and it verifies the
// $2a$/$2b$ hashes bcryptjs stored before.
const COST = 10;
// One hash takes ~60 ms of a core; 50 sign-ins a second would want three cores. Hashing runs on threads
// of low CPU priority (hashing-threads.ts), so it may use every core, mostly what the chats leave idle;
// where that priority cannot be set per thread, all cores but one. The rest of the sign-ins wait
// their turn (FIFO), and past 256 waiting they are refused with `unavailable` (503) instead of queueing
// without bound. One limit and one set of threads per process, on globalThis: Next's route handlers and
// server.ts are separate module graphs.
export const HASHING_AT_ONCE = HASHING_IS_LOW_PRIORITY ? availableParallelism() : Math.max(1, availableParallelism() - 1);
const MAX_WAITING = 256;
const holder = globalThis as typeof globalThis & { __relayPasswordHashing?: ConcurrencyLimit; __relayHashingThreads?: HashingThreads };
export const passwordHashing = (holder.__relayPasswordHashing ??= new ConcurrencyLimit(HASHING_AT_ONCE, MAX_WAITING, 'Too many sign-ins at once; try again in a moment.'));
const threads = (holder.__relayHashingThreads ??= new HashingThreads());
// Compared against when the user does not exist, so a miss costs as long as a wrong password.
const DUMMY_HASH = hashSync('relay-dummy-password', COST);

export const hashPassword = (password: string) => passwordHashing.run(async () => (await threads.run({ op: 'hash', password, cost: COST })) as string);

export async function checkPassword(password: string, stored: string | undefined): Promise<boolean> {
  // Past 72 bytes bcrypt would compare only the start: never a match (it costs the same all the same).
  const fits = passwordFitsHash(password);
  const verify = () => threads.run({ op: 'verify', password, stored: fits ? (stored ?? DUMMY_HASH) : DUMMY_HASH }).catch(() => false);
  const matches = await passwordHashing.run(verify);
  return matches === true && stored !== undefined && fits;
}

/** A hash of another variant or a lower cost than we make now. */
export const needsRehash = (stored: string) => !stored.startsWith('$2b$') || Number(stored.slice(4, 6)) < COST;
