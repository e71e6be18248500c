import type { PublicUser } from '@/lib/schemas';

/** The columns a PublicUser is made from, for Prisma selects. */
export const publicUserSelect = { handle: true, displayName: true, avatarId: true } as const;

/**
 * Where a user's profile picture is served: relative, and versioned by the picture's id, so a browser
 * may keep it for good (a new picture is a new URL). Null for none.
 */
export const avatarUrlOf = (handle: string, avatarId: string | null) =>
  avatarId ? `/api/v1/users/${encodeURIComponent(handle)}/avatar?v=${encodeURIComponent(avatarId)}` : null;

/** The only shape of a user that leaves the server: database ids stay inside. */
export const toPublicUser = (user: { handle: string; displayName: string; avatarId: string | null }): PublicUser => ({
  handle: user.handle,
  displayName: user.displayName,
  avatarUrl: avatarUrlOf(user.handle, user.avatarId),
});
