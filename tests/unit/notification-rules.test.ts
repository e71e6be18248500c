import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';
import { effectiveLevel, inQuietHours, notificationTitle } from '@/server/notifications/notification-rules';
import { resolveVapidKeys } from '@/server/notifications/vapid';

describe('notification rules', () => {
  it('applies defaults and lapsed mutes', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(effectiveLevel('direct', null, now)).toBe('all');
    expect(effectiveLevel('group', null, now)).toBe('mentions');
    expect(effectiveLevel('group', { level: 'mute', muteUntil: null }, now)).toBe('mute');
    expect(effectiveLevel('group', { level: 'mute', muteUntil: new Date('2026-12-01T13:00:00Z') }, now)).toBe('mute');
    expect(effectiveLevel('group', { level: 'mute', muteUntil: new Date('2026-12-01T11:00:00Z') }, now)).toBe('mentions');
    expect(effectiveLevel('group', { level: 'all', muteUntil: null }, now)).toBe('all');
  });

  it('reads quiet hours on the user clock, across midnight', () => {
    const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };
    // 21:30 UTC is 22:30 in Paris (winter), 06:30 UTC is 07:30.
    expect(inQuietHours(night, new Date('2026-12-01T21:30:00Z'))).toBe(true);
    expect(inQuietHours(night, new Date('2026-12-01T05:30:00Z'))).toBe(true);
    expect(inQuietHours(night, new Date('2026-12-01T06:30:00Z'))).toBe(false);
    expect(inQuietHours({ start: '09:00', end: '17:00', timeZone: 'UTC' }, new Date('2026-12-01T12:00:00Z'))).toBe(true);
    expect(inQuietHours({ start: '09:00', end: '17:00', timeZone: 'UTC' }, new Date('2026-12-01T17:00:00Z'))).toBe(false);
    expect(inQuietHours(null, new Date())).toBe(false);
  });

  it('titles grouped notifications', () => {
    expect(notificationTitle(1, ['Alice'], null)).toBe('New message from Alice');
    expect(notificationTitle(3, ['Alice'], null)).toBe('3 new messages from Alice');
    expect(notificationTitle(2, ['Alice', 'Carol'], 'Team')).toBe('2 new messages from 2 people in Team');
  });
});

describe('VAPID keys', () => {
  it('are generated once into DATA_DIR outside production, and required in production', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-vapid-'));
    const keys = resolveVapidKeys(loadEnv({ DATA_DIR: dataDir, NEXTAUTH_SECRET: 'x'.repeat(32) }));
    expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'vapid-keys.json'), 'utf8')).publicKey).toBe(keys.publicKey);
    expect(resolveVapidKeys(loadEnv({ DATA_DIR: dataDir, NEXTAUTH_SECRET: 'x'.repeat(32) }))).toEqual(keys);
    const production = { NODE_ENV: 'production', DATA_DIR: dataDir, NEXTAUTH_SECRET: 'x'.repeat(32) };
    expect(() => resolveVapidKeys(loadEnv(production))).toThrow(/VAPID_PUBLIC_KEY/);
    expect(() => resolveVapidKeys(loadEnv({ ...production, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }))).toThrow(/VAPID_SUBJECT/);
    expect(resolveVapidKeys(loadEnv({ ...production, VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv', VAPID_SUBJECT: 'mailto:ops@example.com' }))).toEqual({
      publicKey: 'pub',
      privateKey: 'priv',
      subject: 'mailto:ops@example.com',
    });
    expect(() => loadEnv({ ...production, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT/);
  });
});
