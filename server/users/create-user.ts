import type { z } from 'zod';
import { AppError } from '@/lib/errors';
import type { signUpSchema } from '@/lib/schemas';
import { hashPassword } from '../auth/password';
import { isUniqueViolation } from '../db/errors';
import { listedAdmins } from '../moderation/grant-admin';
import { getDb, getRuntime } from '../runtime';
import { toPublicUser } from './public-user';

/**
 * Creates an account. A handle the operator named in RELAY_ADMINS is created an admin, so the first
 * admin can simply sign up under it (docs/security.md says why to do so right away).
 */
export async function createUser(input: z.infer<typeof signUpSchema>) {
  const password = await hashPassword(input.password);
  const role = listedAdmins(getRuntime().env.RELAY_ADMINS).includes(input.username) ? 'admin' : 'user';
  try {
    const user = await getDb().user.create({
      data: { handle: input.username, displayName: input.displayName ?? input.username, password, role },
    });
    return toPublicUser(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `The username "${input.username}" is taken.`);
    throw error;
  }
}
