import type { z } from 'zod';
import { AppError } from '@/lib/errors';
import type { credentialsSchema } from '@/lib/schemas';
import { checkPassword } from '../auth/password';
import { getDb } from '../runtime';

/** A correct password for an account that may not sign in now; `lockout` says which kind (the wire sees a plain 403). */
export class AccountLockedError extends AppError {
  constructor(readonly lockout: 'banned' | 'suspended', message: string) {
    super('forbidden', message);
  }
}

/** Returns the user for a correct username and password; one vague error for every miss. */
export async function verifyCredentials(input: z.infer<typeof credentialsSchema>) {
  const user = await getDb().user.findUnique({ where: { handle: input.username.trim().toLowerCase() } });
  if (!(await checkPassword(input.password, user?.password)) || !user) {
    throw new AppError('unauthorized', 'Wrong username or password.');
  }
  if (user.bannedAt) throw new AccountLockedError('banned', 'This account has been banned.');
  if (user.suspendedUntil && user.suspendedUntil.getTime() > Date.now()) {
    throw new AccountLockedError('suspended', `This account is suspended until ${user.suspendedUntil.toISOString()}.`);
  }
  return user;
}
