// Bundles the server's own TypeScript (server.ts and what it imports) into dist/server.mjs, so production
// and the tests start it with plain node: no transpiling on every start (it halved the time to "ready").
// Packages stay external, loaded from node_modules as under tsx; Next builds its own side (`next build`).
import { build } from 'esbuild';

await build({
  entryPoints: ['server.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Stack traces name the TypeScript sources (start it with --enable-source-maps).
  sourcemap: true,
  logLevel: 'warning',
});
