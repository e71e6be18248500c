import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';

describe('loadEnv', () => {
  it('defaults to the embedded setup and keeps a generated secret in the data dir', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    const env = loadEnv({ DATA_DIR: dataDir });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dataDir, 'nextauth-secret'), 'utf8')).toBe(env.NEXTAUTH_SECRET);
    expect(loadEnv({ DATA_DIR: dataDir }).NEXTAUTH_SECRET).toBe(env.NEXTAUTH_SECRET);
  });

  it('treats blank values as unset', () => {
    const env = loadEnv({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-env-')), DATABASE_URL: '', PORT: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  it('names every bad variable in one clear error', () => {
    expect(() => loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x', NEXTAUTH_SECRET: 'short' })).toThrow(
      /PORT[\s\S]*DATABASE_URL: must be a postgres:\/\/ URL[\s\S]*REDIS_URL[\s\S]*NEXTAUTH_SECRET: must be at least 16/,
    );
  });
});
