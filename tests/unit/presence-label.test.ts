import { describe, expect, it } from 'vitest';
import { presenceText } from '@/components/chat/presence-label';

describe('presence in words', () => {
  it('says Online, or when last seen, and nothing when the server does not share it (no last-seen time)', () => {
    expect(presenceText({ handle: 'bob', status: 'online', lastSeenAt: null })).toBe('Online');
    expect(presenceText({ handle: 'bob', status: 'offline', lastSeenAt: new Date().toISOString() })).toMatch(/^Last seen \d/);
    // A message request not yet accepted: the recipient's presence is withheld, not "Offline".
    expect(presenceText({ handle: 'bob', status: 'offline', lastSeenAt: null })).toBeNull();
    expect(presenceText(undefined)).toBeNull();
  });
});
