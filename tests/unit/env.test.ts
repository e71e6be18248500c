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

  it('refuses a database or Redis URL that does not parse, naming it, rather than failing deep in a driver or connecting elsewhere', () => {
    // A port that is not a number: pg said only "Invalid URL"; ioredis fell back to port 6379.
    expect(() => loadEnv({ DATABASE_URL: 'postgres://relay@db:notaport/relay' })).toThrow(/DATABASE_URL: must be a valid URL/);
    expect(() => loadEnv({ REDIS_URL: 'redis://127.0.0.1:notaport' })).toThrow(/REDIS_URL: must be a valid URL/);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    for (const DATABASE_URL of ['postgres://relay:p%40ss@db:5432/relay', 'postgresql:///relay?host=/var/run/postgresql', 'postgres://relay@%2Fvar%2Frun%2Fpostgresql/relay']) {
      expect(loadEnv({ DATA_DIR: dataDir, DATABASE_URL }).DATABASE_URL).toBe(DATABASE_URL);
    }
    expect(loadEnv({ DATA_DIR: dataDir, REDIS_URL: 'rediss://:secret@redis:6380/2' }).REDIS_URL).toBe('rediss://:secret@redis:6380/2');
  });

  it('reads numbers only in plain decimal, within range, naming the variable otherwise (one rule for every number)', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    // z.coerce.number read ' ' as 0 (a random port) and '0x10' as 16.
    for (const PORT of [' ', '0x10', '1e3', '+80', '-1', '80.5', ' 80', '65536', 'Infinity']) {
      expect(() => loadEnv({ DATA_DIR: dataDir, PORT }), JSON.stringify(PORT)).toThrow(/^Invalid environment:\n {2}PORT: must be a whole number from 0 to 65535$/);
    }
    expect(() => loadEnv({ DATA_DIR: dataDir, MAX_CONNECTIONS: '0x10' })).toThrow(/MAX_CONNECTIONS: must be a whole number of at least 1/);
    expect(() => loadEnv({ DATA_DIR: dataDir, NOTIFY_DELAY_MS: '1e3' })).toThrow(/NOTIFY_DELAY_MS: must be a whole number of at least 0/);
    expect(() => loadEnv({ DATA_DIR: dataDir, RATE_SEND_PER_SEC: '0x1' })).toThrow(/RATE_SEND_PER_SEC: must be a decimal number above 0/);
    expect(() => loadEnv({ DATA_DIR: dataDir, RATE_SEND_PER_SEC: '0' })).toThrow(/RATE_SEND_PER_SEC: must be a decimal number above 0/);
    const env = loadEnv({ DATA_DIR: dataDir, PORT: '0', MAX_CONNECTIONS: '4096', RATE_SEND_PER_SEC: '0.01', NOTIFY_DELAY_MS: '1000' });
    expect(env).toMatchObject({ PORT: 0, MAX_CONNECTIONS: 4096, RATE_SEND_PER_SEC: 0.01, NOTIFY_DELAY_MS: 1000, PRESENCE_TTL_MS: 45_000 });
  });

  it('refuses an S3_ENDPOINT without http:// or https://, naming it (minio:9000 parses as a URL of scheme minio:)', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    expect(() => loadEnv({ DATA_DIR: dataDir, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
    expect(loadEnv({ DATA_DIR: dataDir, S3_ENDPOINT: 'http://minio:9000' }).S3_ENDPOINT).toBe('http://minio:9000');
  });
});
