import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOutbox, type OutboxItem, outboxKeyOf, saveOutboxChanges } from '@/lib/outbox';

// The browser's localStorage, as a plain map: what two tabs of one origin share.
class MemoryStorage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const item = (clientMsgId: string, createdAt: number): OutboxItem => ({ clientMsgId, roomId: 'r1', body: clientMsgId, createdAt, queuedAt: createdAt, status: 'pending' });

beforeEach(() => {
  (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
});
afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('outbox storage', () => {
  it('lets two tabs write at once without either losing the other’s messages', () => {
    // Each tab saves only what changed in its own outbox.
    const tabA = [item('a', 1)];
    const tabB = [item('b', 2)];
    saveOutboxChanges('alice', [], tabA);
    saveOutboxChanges('alice', [], tabB);
    expect(loadOutbox('alice').map((queued) => queued.clientMsgId)).toEqual(['a', 'b']);
    // Tab B settles its message; tab A's stays.
    saveOutboxChanges('alice', tabB, []);
    expect(loadOutbox('alice').map((queued) => queued.clientMsgId)).toEqual(['a']);
  });

  it('keeps users apart and reads back write order', () => {
    saveOutboxChanges('alice', [], [item('late', 5), item('early', 1)]);
    saveOutboxChanges('bob', [], [item('bobs', 3)]);
    expect(loadOutbox('alice').map((queued) => queued.clientMsgId)).toEqual(['early', 'late']);
    expect(outboxKeyOf('alice', 'relay:outbox:alice:early')).toBe('early');
    expect(outboxKeyOf('alice', 'relay:outbox:bob:bobs')).toBeNull();
  });

  it('moves an outbox saved by an earlier version (one list) to keys of its own', () => {
    localStorage.setItem('relay:outbox:alice', JSON.stringify([{ clientMsgId: 'old', roomId: 'r1', body: 'old', queuedAt: 7, status: 'pending' }, { junk: true }]));
    expect(loadOutbox('alice')).toEqual([{ clientMsgId: 'old', roomId: 'r1', body: 'old', queuedAt: 7, createdAt: 7, status: 'pending' }]);
    expect(localStorage.getItem('relay:outbox:alice')).toBeNull();
  });
});
