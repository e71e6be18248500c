import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One process owns an embedded data directory: PGlite has no locking of its own, and a second
 * process writing the same files (a second server, or the admin CLI while the app runs) corrupts
 * them. A pid file claims the directory; one left by a process that died is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'relay.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        if (ownerOf(file) === process.pid) unlinkSync(file);
      };
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(file);
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the embedded database in ${dir} is in use by process ${owner}: stop it first, or set another DATA_DIR`);
      }
      unlinkSync(file); // left behind by a process that is gone
    }
  }
  throw new Error(`could not claim the embedded database in ${dir}`);
}

function ownerOf(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
