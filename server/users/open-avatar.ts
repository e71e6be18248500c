import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { avatarKey } from '../attachments/attachment-storage';
import { shownAccount } from '../safety/visibility';
import type { AvatarDeps } from './change-avatar';

/**
 * Serves a user's profile picture to anyone signed in: pictures go where names go, and anyone signed in
 * may look a name up by handle (users/search-users.ts). A banned account's is served to nobody, as if it
 * had none (safety/visibility.ts, rule 5). With `version` (the `v` of avatarUrl) only that
 * picture is served, cacheable for good since a new picture gets a new URL; an earlier version is 404,
 * never the current picture under an old URL. Without it, the current picture, checked each time.
 */
export async function openAvatar(deps: Pick<AvatarDeps, 'db' | 'attachments'>, _actor: Actor, handle: string, version: string | undefined): Promise<Response> {
  const user = await deps.db.user.findUnique({ where: { handle: handle.toLowerCase(), ...shownAccount }, select: { avatarId: true } });
  const avatarId = user?.avatarId;
  if (!avatarId || (version !== undefined && version !== avatarId)) throw new AppError('not_found', 'No such picture.');
  const stored = await deps.attachments.get(avatarKey(avatarId));
  if (!stored) throw new AppError('not_found', 'No such picture.');
  return new Response(stored.body, {
    headers: {
      'content-type': 'image/webp',
      'content-length': String(stored.size),
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': version === undefined ? 'private, no-cache' : 'private, max-age=31536000, immutable',
    },
  });
}
