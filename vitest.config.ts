import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        resolve: { alias },
        // Each file boots real server processes; run files one at a time on two cores.
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // The servers they start run dist/server.mjs, bundled afresh here.
          globalSetup: ['tests/helpers/build-server-bundle.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
