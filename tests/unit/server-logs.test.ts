import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** The server's own source files: server/ (not Prisma's generated client), server.ts and what it loads from lib/. */
function serverSources(): string[] {
  const files = readdirSync(path.join(root, 'server'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith(`db${path.sep}generated`))
    .map((file) => path.join('server', file));
  return [...files, 'server.ts', 'lib/errors.ts'];
}

describe("the server's log lines", () => {
  it('all go through the logger as JSON lines (server/ops/logger.ts): no console output but the plain start failure', () => {
    const calls = serverSources().flatMap((file) =>
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (/\bconsole\.\w+\(/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    // The reason a node did not start is also printed plainly, for wherever JSON logs are not collected.
    expect(calls).toEqual([expect.stringMatching(/^server\.ts:\d+: console\.error\(`\[relay\] failed to start: /)]);
  });
});
