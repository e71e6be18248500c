import { availableParallelism } from 'node:os';
import { hash, hashSync, verify } from '@node-rs/bcrypt';
import { ConcurrencyLimit } from '../ops/concurrency-limit';

// Native bcrypt on libuv's thread pool: hashing no longer blocks the event loop. Its hashes are the
// standard $2b$ format, and it verifies the $2a$/$2b$ hashes bcryptjs stored before.
const COST = 10;
// One hash takes ~60 ms of a core. libuv runs four at once: in a sign-in storm they took every core from
// the event loop, and every chat on the node stalled with them. So all cores but one hash at a time, the
// rest of the sign-ins wait their turn (FIFO), and past about 15 s of waiting (256 on one core) they are
// refused with `unavailable` (503) instead of queueing without bound. One limit per process, on
// globalThis: Next's route handlers and server.ts are separate module graphs.
export const HASHING_AT_ONCE = Math.max(1, availableParallelism() - 1);
const MAX_WAITING = 256;
const holder = globalThis as typeof globalThis & { __relayPasswordHashing?: ConcurrencyLimit };
export const passwordHashing = (holder.__relayPasswordHashing ??= new ConcurrencyLimit(HASHING_AT_ONCE, MAX_WAITING, 'Too many sign-ins at once; try again in a moment.'));
// Compared against when the user does not exist, so a miss costs as long as a wrong password.
const DUMMY_HASH = hashSync('relay-dummy-password', COST);

export const hashPassword = (password: string) => passwordHashing.run(() => hash(password, COST));

export async function checkPassword(password: string, stored: string | undefined): Promise<boolean> {
  const matches = await passwordHashing.run(() => verify(password, stored ?? DUMMY_HASH).catch(() => false));
  return matches && stored !== undefined;
}

/** A hash of another variant or a lower cost than we make now. */
export const needsRehash = (stored: string) => !stored.startsWith('$2b$') || Number(stored.slice(4, 6)) < COST;
