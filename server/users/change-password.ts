import type { z } from 'zod';
import { AppError } from '@/lib/errors';
import type { changePasswordSchema } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { checkPassword, hashPassword } from '../auth/password';
import { disconnectSessions, revokeOtherSessions, type SessionDeps } from '../sessions/end-other-sessions';
import { guardSignIn } from '../safety/rate-limits';

/**
 * Sets a new password once the current one is given, and signs out every other session of the user
 * (whoever else holds one may be why the password changes); the caller's own session stays. Both in one
 * transaction: a failure leaves the old password with the sessions, never the new one beside them.
 */
export async function changePassword(deps: SessionDeps, actor: Actor, input: z.infer<typeof changePasswordSchema>, clientIp: string): Promise<void> {
  await checkCurrentPassword(deps, actor, input.currentPassword, clientIp);
  const password = await hashPassword(input.newPassword);
  const ended = await deps.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.userId }, data: { password } });
    return revokeOtherSessions(tx, actor);
  });
  await disconnectSessions(deps, ended);
}

// A wrong password here is a failed sign-in: charged to the same account+address lock-out, so a
// borrowed session cannot guess the password faster than the sign-in page allows.
export async function checkCurrentPassword(deps: SessionDeps, actor: Actor, password: string, clientIp: string, wrongPassword = 'The current password is wrong.') {
  try {
    await guardSignIn(clientIp, actor.handle, async () => {
      const user = await deps.db.user.findUnique({ where: { id: actor.userId }, select: { password: true } });
      if (!(await checkPassword(password, user?.password))) throw new AppError('unauthorized', 'Wrong password.');
    });
  } catch (error) {
    // The caller is signed in: a wrong password is a refusal, not a missing sign-in (which clients treat as signed out).
    if (error instanceof AppError && error.code === 'unauthorized') throw new AppError('forbidden', wrongPassword);
    throw error;
  }
}
