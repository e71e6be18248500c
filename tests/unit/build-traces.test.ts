import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// Run after `next build` (npm test builds first). A route's trace is what a deployment packaged from the
// build (standalone output, an image) carries: never the embedded database, its secrets or the uploads
// (./data), nor the project's own tests and docs (a trace of the whole project).
const root = process.cwd();
const serverDir = path.join(root, process.env.RELAY_DIST_DIR || '.next', 'server');

function tracesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tracesUnder(full);
    return entry.name.endsWith('.nft.json') ? [full] : [];
  });
}

it("no route's traced files include ./data, the tests or the docs", () => {
  expect(existsSync(serverDir), `no build at ${serverDir}: run npm run build first`).toBe(true);
  const traces = tracesUnder(serverDir);
  expect(traces.length).toBeGreaterThan(0);
  const leaks = traces.flatMap((trace) => {
    const { files } = JSON.parse(readFileSync(trace, 'utf8')) as { files: string[] };
    return files
      .map((file) => path.relative(root, path.resolve(path.dirname(trace), file)))
      .filter((file) => /^(data|tests|docs)(\/|$)/.test(file))
      .map((file) => `${path.relative(root, trace)}: ${file}`);
  });
  expect(leaks.slice(0, 5)).toEqual([]);
});
