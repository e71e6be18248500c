import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';

describe('production needs NEXTAUTH_SECRET', () => {
  it('refuses to start in production without it, saying what to set', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    for (const secret of [undefined, '']) {
      expect(() => loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: secret })).toThrow(/NEXTAUTH_SECRET: must be set in production/);
    }
  });

  it('starts in production with it, and in development without it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    expect(loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: 'a'.repeat(32) }).NEXTAUTH_SECRET).toBe('a'.repeat(32));
    expect(loadEnv({ NODE_ENV: 'development', DATA_DIR: dataDir }).NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
