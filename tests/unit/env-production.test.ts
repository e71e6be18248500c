import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';

const pair = webpush.generateVAPIDKeys();
const VAPID = { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'mailto:ops@example.com' };

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

  it('refuses VAPID keys that are not a key pair, saying how to make one', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    const start = (keys: object) => () => loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: 'a'.repeat(32), ...VAPID, ...keys });
    expect(start({ VAPID_PUBLIC_KEY: 'notakey' })).toThrow(/VAPID_PUBLIC_KEY: must be one of a VAPID key pair/);
    expect(start({ VAPID_PRIVATE_KEY: pair.privateKey.slice(0, 20) })).toThrow(/VAPID_PRIVATE_KEY: must be one of a VAPID key pair/);
    // Padded: web-push would refuse it at every push.
    expect(start({ VAPID_PUBLIC_KEY: `${pair.publicKey}=` })).toThrow(/VAPID_PUBLIC_KEY: must be one of a VAPID key pair/);
    // The private key as the public one: of the right form, not a point on the curve.
    expect(start({ VAPID_PUBLIC_KEY: `B${pair.privateKey}${pair.privateKey}`.slice(0, 87) })).toThrow(/VAPID_/);
    // Two pairs mixed up: each key well formed, no pair.
    expect(start({ VAPID_PRIVATE_KEY: webpush.generateVAPIDKeys().privateKey })).toThrow(/VAPID_PRIVATE_KEY: is not the private key of VAPID_PUBLIC_KEY/);
  });

  it('starts in production with them, and in development without them', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    expect(loadEnv({ NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: 'a'.repeat(32), ...VAPID }).NEXTAUTH_SECRET).toBe('a'.repeat(32));
    expect(loadEnv({ NODE_ENV: 'development', DATA_DIR: dataDir }).NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
