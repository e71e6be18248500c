import { stat } from 'node:fs/promises';
import { AppError } from '@/lib/errors';
import { FORBIDDEN_IN_NAMES, isInvisible, shorten, wellFormed } from '@/lib/text-rules';
import type { UploadedAttachment } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { PrismaClient } from '../db/generated/client';
import type { AppEnv } from '../env';
import { limitUploading } from '../safety/rate-limits';
import { type AttachmentStorage, thumbKey } from './attachment-storage';
import { toAttachmentInfo } from './attachment-info';
import { inspectFile } from './inspect-file';
import { type UploadBody, withSpooledUpload } from './spool-upload';

export type AttachmentDeps = { db: PrismaClient; env: AppEnv; attachments: AttachmentStorage };

export type UploadInput = UploadBody & { roomId: string };

/**
 * Receives a file for a room the caller is in: counted while it streams to a spool file (refused past
 * ATTACHMENT_MAX_BYTES), typed from its bytes, images re-encoded without metadata and thumbnailed,
 * then stored and recorded as the caller's unsent attachment. Nothing is kept when any step fails.
 */
export async function uploadAttachment(deps: AttachmentDeps, actor: Actor, input: UploadInput): Promise<UploadedAttachment> {
  const { db, env, attachments } = deps;
  const member = await db.roomMember.findUnique({ where: { roomId_userId: { roomId: input.roomId, userId: actor.userId } }, select: { roomId: true } });
  if (!member) throw new AppError('not_found', 'No such conversation.');
  await limitUploading(actor.userId);
  return withSpooledUpload(env, input, env.ATTACHMENT_MAX_BYTES, async (received, scratch) => {
    const { id } = received;
    if (received.size === 0) throw new AppError('bad_request', 'The file is empty.');
    const image = scratch('image');
    const thumb = scratch('thumb');
    const inspected = await inspectFile(received.path, image, thumb);
    const stored = inspected.thumb ? image : received.path;
    const data = {
      id,
      roomId: input.roomId,
      uploaderId: actor.userId,
      name: cleanName(received.name),
      // A re-encoded image's own size, not the upload's.
      size: inspected.thumb ? (await stat(stored)).size : received.size,
      contentType: inspected.contentType,
      width: inspected.width ?? null,
      height: inspected.height ?? null,
      hasThumb: inspected.thumb,
    };
    await attachments.put(id, stored, inspected.contentType);
    if (inspected.thumb) await attachments.put(thumbKey(id), thumb, 'image/webp');
    try {
      const row = await db.attachment.create({ data });
      return { attachment: toAttachmentInfo(row), expiresAt: new Date(row.createdAt.getTime() + env.ATTACHMENT_UNSENT_TTL_MS).toISOString() };
    } catch (error) {
      await attachments.remove([id, thumbKey(id)]);
      throw error;
    }
  });
}

const MAX_NAME = 200;

// The name is only shown and offered for download: no path, no control characters, a sane length that
// keeps the extension (it says what the file is), something to show ("file" for a name that shows nothing).
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  const clean = wellFormed(base).replace(new RegExp(FORBIDDEN_IN_NAMES.source, 'g'), '').trim();
  if (isInvisible(clean)) return 'file';
  if (clean.length <= MAX_NAME) return clean;
  const extension = /\.[\p{L}\p{N}]{1,10}$/u.exec(clean)?.[0] ?? '';
  return shorten(clean.slice(0, clean.length - extension.length), MAX_NAME - extension.length).trimEnd() + extension;
}
