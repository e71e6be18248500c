import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AppEnv } from '../env';
import { incomingDir } from './attachment-storage';
import { MULTIPART_OVERHEAD, discardRest, receiveFile, tooLarge } from './receive-file';

/** An upload as the route hands it over: the body still streaming, and the headers that describe it. */
export type UploadBody = { body: ReadableStream<Uint8Array> | null; contentType: string | null; contentLength: string | null };

/** The received file: a random id (free to use as a storage key), its spool path, name and size. */
export type Spooled = { id: string; path: string; name: string; size: number };

/**
 * Receives an upload's file (multipart/form-data, field "file") into a spool file under DATA_DIR, at
 * most `maxBytes` of it: a declared length past that is refused before a byte is read, anything else
 * as it streams (413 too_large). `use` works on it, naming any files it writes with `scratch`; all of
 * them are removed afterwards, whatever happened. Attachments and profile pictures both come this way.
 */
export async function withSpooledUpload<T>(
  env: Pick<AppEnv, 'DATA_DIR'>,
  upload: UploadBody,
  maxBytes: number,
  use: (spooled: Spooled, scratch: (suffix: string) => string) => Promise<T>,
): Promise<T> {
  if (Number(upload.contentLength) > maxBytes + MULTIPART_OVERHEAD) {
    if (upload.body) await discardRest(upload.body.getReader(), 2 * maxBytes + MULTIPART_OVERHEAD);
    throw tooLarge(maxBytes);
  }
  const id = randomBytes(16).toString('base64url');
  const spool = incomingDir(env);
  await mkdir(spool, { recursive: true });
  const raw = path.join(spool, id);
  const written = [raw];
  const scratch = (suffix: string) => {
    const file = `${raw}.${suffix}`;
    written.push(file);
    return file;
  };
  try {
    const received = await receiveFile(upload.body, upload.contentType, raw, maxBytes);
    return await use({ id, path: raw, ...received }, scratch);
  } finally {
    await Promise.all(written.map((file) => rm(file, { force: true })));
  }
}
