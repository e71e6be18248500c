import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/server/env';
import { inPageNotification } from '@/components/notifications/in-page-notification';
import { composeNotification, effectiveLevel, roomLevel, inQuietHours, notificationTitle, type NotifyContext } from '@/lib/notification-rules';
import type { ChatMessage, RoomSummary } from '@/lib/schemas';
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

describe('composeNotification', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const message = (body: string, mentions: string[] = []) => ({ senderName: 'Alice', body, mentions, attachments: [] });
  const direct: NotifyContext = { handle: 'bob', level: 'all', request: null, roomName: null, settings: null };
  const settings = { enabled: true, hideText: false, quietHours: null };

  it('says who wrote, and the latest text unless hidden', () => {
    expect(composeNotification([message('one'), message('two')], direct, now)).toEqual({ title: '2 new messages from Alice', body: 'two' });
    expect(composeNotification([message('secret')], { ...direct, settings: { ...settings, hideText: true } }, now)).toEqual({ title: 'New message from Alice', body: '' });
  });

  it('is silent when off, in quiet hours, muted, or for an ignored request; a pending one says only that it is one', () => {
    expect(composeNotification([message('x')], { ...direct, settings: { ...settings, enabled: false } }, now)).toBeNull();
    expect(composeNotification([message('x')], { ...direct, settings: { ...settings, quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' } } }, now)).toBeNull();
    expect(composeNotification([message('x')], { ...direct, level: 'mute' }, now)).toBeNull();
    expect(composeNotification([message('x')], { ...direct, request: 'ignored' }, now)).toBeNull();
    expect(composeNotification([message('x')], { ...direct, request: 'pending' }, now)).toEqual({ title: 'New message request', body: '' });
  });

  it('at "mentions" counts only the messages that mention the reader', () => {
    const group = { ...direct, level: 'mentions' as const, roomName: 'Team' };
    expect(composeNotification([message('plain')], group, now)).toBeNull();
    expect(composeNotification([message('plain'), message('@bob hi', ['bob'])], group, now)).toEqual({ title: 'New message from Alice in Team', body: '@bob hi' });
  });
});

describe('inPageNotification', () => {
  const me = { handle: 'bob', displayName: 'Bob', avatarUrl: null };
  const members = [me, { handle: 'alice', displayName: 'Alice', avatarUrl: null }].map((member) => ({ ...member, readSeq: 0, deliveredSeq: 0 }));
  const room = (kind: 'direct' | 'group', name: string | null, notifications?: RoomSummary['notifications']) =>
    ({ id: 'r1', kind, name, members, owner: null, closed: false, lastMessage: null, lastSeq: 0, unread: 0, notifications }) as RoomSummary;
  const message = (body: string, mentions: string[] = []): ChatMessage =>
    ({ id: 'm1', roomId: 'r1', seq: 1, clientMsgId: 'c1', sender: 'alice', kind: 'text', body, createdAt: '', attachments: [], mentions });
  const settings = { enabled: true, hideText: false, quietHours: null };
  const now = new Date('2026-12-01T12:00:00Z');

  it('applies the push rules to the room as the tab lists it', () => {
    const group = { me, requests: [], rooms: { r1: room('group', 'Team') } };
    expect(inPageNotification(group, message('plain'), settings, now)).toBeNull();
    expect(inPageNotification(group, message('@bob hi', ['bob']), settings, now)).toEqual({ title: 'New message from Alice in Team', body: '@bob hi' });
    const lapsed = { me, requests: [], rooms: { r1: room('direct', null, { level: 'mute', muteUntil: '2026-12-01T11:00:00Z' }) } };
    expect(inPageNotification(lapsed, message('hi'), settings, now)).toEqual({ title: 'New message from Alice', body: 'hi' });
    expect(inPageNotification({ ...lapsed, rooms: { r1: room('direct', null, { level: 'mute', muteUntil: null }) } }, message('hi'), settings, now)).toBeNull();
  });

  it('a pending request says only that it is one; a room the tab does not list (an ignored request) says nothing', () => {
    const request = { roomId: 'r1', from: { handle: 'alice', displayName: 'Alice', avatarUrl: null }, lastMessage: null, createdAt: '' };
    expect(inPageNotification({ me, rooms: {}, requests: [request] }, message('hi'), settings, now)).toEqual({ title: 'New message request', body: '' });
    expect(inPageNotification({ me, rooms: {}, requests: [] }, message('hi'), settings, now)).toBeNull();
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
    const set = webpush.generateVAPIDKeys();
    expect(resolveVapidKeys(loadEnv({ ...production, VAPID_PUBLIC_KEY: set.publicKey, VAPID_PRIVATE_KEY: set.privateKey, VAPID_SUBJECT: 'mailto:ops@example.com' }))).toEqual({
      publicKey: set.publicKey,
      privateKey: set.privateKey,
      subject: 'mailto:ops@example.com',
    });
    expect(() => loadEnv({ ...production, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT/);
  });
});

describe('a listed room\'s level (the tab title\'s mute rule and the in-page alert share it)', () => {
  const now = new Date('2026-12-04T12:00:00Z');
  it('is the stored choice until a timed mute lapses, then the default for the room\'s kind', () => {
    expect(roomLevel({ kind: 'group', notifications: { level: 'mute', muteUntil: '2026-12-04T13:00:00Z' } }, now)).toBe('mute');
    expect(roomLevel({ kind: 'group', notifications: { level: 'mute', muteUntil: '2026-12-04T11:00:00Z' } }, now)).toBe('mentions');
    expect(roomLevel({ kind: 'direct', notifications: { level: 'mute', muteUntil: null } }, now)).toBe('mute');
    expect(roomLevel({ kind: 'direct' }, now)).toBe('all');
  });
});
