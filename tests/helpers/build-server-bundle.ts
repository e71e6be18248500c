import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Global setup of the integration tests: the servers they start run dist/server.mjs, as production
 * does, so it is bundled here from the sources as they are now (~0.1 s), never stale after an edit.
 */
export default function buildServerBundle() {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: 'inherit' });
}
