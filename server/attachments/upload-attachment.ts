import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { shorten, wellFormed } from '@/lib/text-rules';
import type { AttachmentInfo } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { PrismaClient } from '../db/generated/client';
import type { AppEnv } from '../env';
import { limitUploading } from '../safety/rate-limits';
import { type AttachmentStorage, incomingDir, thumbKey } from './attachment-storage';
import { toAttachmentInfo } from './attachment-info';
import { inspectFile } from './inspect-file';
import { MULTIPART_OVERHEAD, discardRest, receiveFile, tooLarge } from './receive-file';

export type AttachmentDeps = { db: PrismaClient; env: AppEnv; attachments: AttachmentStorage };

export type UploadInput = { roomId: string; body: ReadableStream<Uint8Array> | null; contentType: string | null; contentLength: string | null };

/**
 * Receives a file for a room the caller is in: counted while it streams to a spool file (refused past
 * ATTACHMENT_MAX_BYTES), typed from its bytes, images re-encoded without metadata and thumbnailed,
 * then stored and recorded as the caller's unsent attachment. Nothing is kept when any step fails.
 */
export async function uploadAttachment(deps: AttachmentDeps, actor: Actor, input: UploadInput): Promise<AttachmentInfo> {
  const { db, env, attachments } = deps;
  const member = await db.roomMember.findUnique({ where: { roomId_userId: { roomId: input.roomId, userId: actor.userId } }, select: { roomId: true } });
  if (!member) throw new AppError('not_found', 'No such conversation.');
  await limitUploading(actor.userId);
  // A declared length past the limit is refused without writing a byte.
  if (Number(input.contentLength) > env.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD) {
    if (input.body) await discardRest(input.body.getReader(), 2 * env.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD);
    throw tooLarge(env.ATTACHMENT_MAX_BYTES);
  }

  const id = randomBytes(16).toString('base64url');
  const spool = incomingDir(env);
  await mkdir(spool, { recursive: true });
  const raw = path.join(spool, id);
  const image = `${raw}.image`;
  const thumb = `${raw}.thumb`;
  try {
    const received = await receiveFile(input.body, input.contentType, raw, env.ATTACHMENT_MAX_BYTES);
    const inspected = await inspectFile(raw, image, thumb);
    const stored = inspected.thumb ? image : raw;
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
      return toAttachmentInfo(await db.attachment.create({ data }));
    } catch (error) {
      await attachments.remove([id, thumbKey(id)]);
      throw error;
    }
  } finally {
    await Promise.all([raw, image, thumb].map((file) => rm(file, { force: true })));
  }
}

// The name is only shown and offered for download: no path, no control characters, a sane length.
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  const clean = shorten(wellFormed(base).replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim(), 200);
  return clean || 'file';
}
