import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';

const VAPID = { VAPID_PUBLIC_KEY: 'public', VAPID_PRIVATE_KEY: 'private', VAPID_SUBJECT: 'mailto:ops@example.com' };

describe('production needs its secrets set', () => {
  it('refuses to start in production without NEXTAUTH_SECRET, saying what to set', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    for (const secret of [undefined, '']) {
      expect(() => loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: secret, ...VAPID })).toThrow(/NEXTAUTH_SECRET: must be set in production/);
    }
  });

  it('names everything missing in one message, not one per start', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    const start = () => loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir });
    for (const name of ['NEXTAUTH_SECRET', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']) {
      expect(start).toThrow(new RegExp(`\\n  ${name}: must be set in production`));
    }
  });

  it('starts in production with them, and in development without them', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    expect(loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: 'a'.repeat(32), ...VAPID }).NEXTAUTH_SECRET).toBe('a'.repeat(32));
    expect(loadEnv({ NODE_ENV: 'development', DATA_DIR: dataDir }).NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
