import type { z } from 'zod';
import { AppError } from '@/lib/errors';
import type { credentialsSchema } from '@/lib/schemas';
import { checkPassword, hashPassword, needsRehash } from '../auth/password';
import { getDb } from '../runtime';
import { guardSignIn } from '../safety/rate-limits';

/** A correct password for an account that may not sign in now; `lockout` says which kind (the wire sees a plain 403). */
/** A correct password for a locked account; a suspension's error carries its end (`suspendedUntil`, ISO). */
export class AccountLockedError extends AppError {
  constructor(
    readonly lockout: 'banned' | 'suspended',
    message: string,
    until?: Date,
  ) {
    super('forbidden', message, until ? { suspendedUntil: until.toISOString() } : {});
  }
}

/**
 * Returns the user for a correct username and password; one vague error for every miss. Misses are
 * charged to this address's sign-ins (guardSignIn), which are refused for a while after too many.
 */
export function verifyCredentials(input: z.infer<typeof credentialsSchema>, clientIp: string) {
  return guardSignIn(clientIp, input.username, () => checkCredentials(input));
}

async function checkCredentials(input: z.infer<typeof credentialsSchema>) {
  const db = getDb();
  const found = await db.user.findUnique({ where: { handle: input.username.trim().toLowerCase() } });
  // A deleted account signs in as no account does (and costs the same time).
  const user = found?.deletedAt ? null : found;
  if (!(await checkPassword(input.password, user?.password)) || !user) {
    throw new AppError('unauthorized', 'Wrong username or password.');
  }
  // An older hash (bcryptjs's $2a$, a lower cost) is replaced while the password is at hand.
  if (needsRehash(user.password)) {
    await db.user.update({ where: { id: user.id }, data: { password: await hashPassword(input.password) } });
  }
  if (user.bannedAt) throw new AccountLockedError('banned', 'This account has been banned.');
  if (user.suspendedUntil && user.suspendedUntil.getTime() > Date.now()) {
    throw new AccountLockedError('suspended', `This account is suspended until ${user.suspendedUntil.toISOString()}.`, user.suspendedUntil);
  }
  return user;
}
