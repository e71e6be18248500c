import type { PublicUser } from '@/lib/schemas';

/** The only shape of a user that leaves the server: database ids stay inside. */
export const toPublicUser = (user: { handle: string; displayName: string }): PublicUser => ({
  handle: user.handle,
  displayName: user.displayName,
});
