import { AppError } from '@/lib/errors';
import type { PublicUser } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { type AttachmentStorage, avatarKey } from '../attachments/attachment-storage';
import { renderAvatar } from '../attachments/inspect-file';
import { type UploadBody, withSpooledUpload } from '../attachments/spool-upload';
import type { PrismaClient } from '../db/generated/client';
import type { AppEnv } from '../env';
import type { Broadcaster } from '../realtime/broadcaster';
import { limitUploading } from '../safety/rate-limits';
import { publicUserSelect, toPublicUser } from './public-user';
import { announceProfile } from './update-profile';

export type AvatarDeps = { db: PrismaClient; env: AppEnv; attachments: AttachmentStorage; broadcaster: Broadcaster };

/**
 * Sets the caller's profile picture from an upload: received like an attachment (multipart, field
 * "file", at most AVATAR_MAX_BYTES), typed from its bytes, made a 256 × 256 WebP, stored under a new id
 * and announced like a rename. The previous picture's bytes are removed. Counts as an upload (RATE_UPLOAD_*).
 */
export async function setAvatar(deps: AvatarDeps, actor: Actor, upload: UploadBody): Promise<PublicUser> {
  // Each one is a sharp render and a stored file: counted with the user's other uploads.
  await limitUploading(actor.userId);
  return withSpooledUpload(deps.env, upload, deps.env.AVATAR_MAX_BYTES, async (received, scratch) => {
    if (received.size === 0) throw new AppError('bad_request', 'The file is empty.');
    const picture = scratch('avatar');
    await renderAvatar(received.path, picture);
    await deps.attachments.put(avatarKey(received.id), picture, 'image/webp');
    return replaceAvatar(deps, actor, received.id);
  });
}

/** Removes the caller's profile picture, bytes and all; having none already is not an error. */
export function removeAvatar(deps: AvatarDeps, actor: Actor): Promise<PublicUser> {
  return replaceAvatar(deps, actor, null);
}

/**
 * Points the user at `avatarId` (or none), then removes the bytes of the picture it replaced. The row is
 * locked while it is read and changed, so of two changes at once each removes the picture the other one
 * replaced, never the one left current.
 */
async function replaceAvatar(deps: AvatarDeps, actor: Actor, avatarId: string | null): Promise<PublicUser> {
  const change = await deps.db
    .$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ avatarId: string | null }[]>`SELECT "avatarId" FROM "User" WHERE "id" = ${actor.userId} FOR UPDATE`;
      const user = await tx.user.update({ where: { id: actor.userId }, data: { avatarId }, select: publicUserSelect });
      return { previous: row?.avatarId ?? null, user: toPublicUser(user) };
    })
    .catch(async (error: unknown) => {
      // Not recorded: the new bytes would never be served.
      if (avatarId) await deps.attachments.remove([avatarKey(avatarId)]);
      throw error;
    });
  if (change.previous === avatarId) return change.user;
  if (change.previous) await deps.attachments.remove([avatarKey(change.previous)]);
  await announceProfile(deps, actor.userId, change.user);
  return change.user;
}
