// `npm run build`: Next's build, then the server bundle (build-server.mjs). Next's telemetry stays off, as
// it is for the running app (server.ts), unless NEXT_TELEMETRY_DISABLED=0 opts in: `next build` reads it
// before it reads next.config.js, so it is set here.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1' };
const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
for (const args of [[next, 'build'], ['scripts/build-server.mjs']]) {
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit', env });
  if (status !== 0) process.exit(status ?? 1);
}
