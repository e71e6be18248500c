import path from 'node:path';
import type { AppEnv } from '../env';
import { LocalAttachmentStorage } from './local-storage';
import { S3AttachmentStorage } from './s3-storage';

/** Where attachment bytes live. Keys are attachment ids (and `<id>.thumb`) or `<id>.avatar`, never user input. */
export interface AttachmentStorage {
  /** Stores the file at `sourcePath` under `key` (the caller removes `sourcePath` afterwards). */
  put(key: string, sourcePath: string, contentType: string): Promise<void>;
  /** The stored bytes, or null when there are none. */
  get(key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
  /** Removes these keys; a key that is already gone is not an error (sweeps may overlap). */
  remove(keys: string[]): Promise<void>;
}

export const thumbKey = (id: string) => `${id}.thumb`;

/** A profile picture's key: its id is random, new at each upload (User.avatarId). */
export const avatarKey = (avatarId: string) => `${avatarId}.avatar`;

/** Where uploads are spooled while they are counted and inspected, before they are stored. */
export const incomingDir = (env: Pick<AppEnv, 'DATA_DIR'>) => path.join(env.DATA_DIR, 'attachments', 'incoming');

/** DATA_DIR by default; an S3-compatible bucket when S3_BUCKET is set. */
export function createAttachmentStorage(env: AppEnv): AttachmentStorage {
  if (!env.S3_BUCKET) return new LocalAttachmentStorage(path.join(env.DATA_DIR, 'attachments', 'files'));
  return new S3AttachmentStorage({
    bucket: env.S3_BUCKET,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
  });
}
