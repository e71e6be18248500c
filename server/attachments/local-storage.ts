import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AttachmentStorage } from './attachment-storage';

/** Files under a directory, fanned out by the key's first two characters. */
export class LocalAttachmentStorage implements AttachmentStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string) {
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Spooled in the same data dir, so normally a rename; a copy when they are on different disks.
    await rename(sourcePath, target).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await copyFile(sourcePath, target);
    });
  }

  async get(key: string) {
    const file = this.pathOf(key);
    const stats = await stat(file).catch(() => null);
    if (!stats?.isFile()) return null;
    return { body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, size: stats.size };
  }

  async remove(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }
}
