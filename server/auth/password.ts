import { hash, hashSync, verify } from '@node-rs/bcrypt';

// Native bcrypt on libuv's thread pool: hashing no longer blocks the event loop. Its hashes are the
// standard $2b$ format, and it verifies the $2a$/$2b$ hashes bcryptjs stored before.
const COST = 10;
// Compared against when the user does not exist, so a miss costs as long as a wrong password.
const DUMMY_HASH = hashSync('relay-dummy-password', COST);

export const hashPassword = (password: string) => hash(password, COST);

export async function checkPassword(password: string, stored: string | undefined): Promise<boolean> {
  const matches = await verify(password, stored ?? DUMMY_HASH).catch(() => false);
  return matches && stored !== undefined;
}

/** A hash of another variant or a lower cost than we make now. */
export const needsRehash = (stored: string) => !stored.startsWith('$2b$') || Number(stored.slice(4, 6)) < COST;
