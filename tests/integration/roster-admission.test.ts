import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiFetch } from '@/lib/api-client';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, createUser, type TestUser } from '../helpers/clients';
import { createGroupOfAcquaintances } from '../helpers/social';

// Reads that carry whole rosters (the room list, a group's users) are admitted a few at a time: past
// ROSTER_READS_AT_ONCE running and ROSTER_READS_MAX_WAITING waiting, a caller gets 503 `unavailable` with
// Retry-After. Unbounded, 3,000 room lists of a 10,000-member group at once ran a node out of heap and
// it crashed, cutting every connection it held (npm run bench:room-lists; docs/performance.md).
const AT_ONCE = 1;
const MAX_WAITING = 2;
let node: AppServer;
let alice: TestUser;
let groupId: string;

beforeAll(async () => {
  node = await startAppServer({ ROSTER_READS_AT_ONCE: String(AT_ONCE), ROSTER_READS_MAX_WAITING: String(MAX_WAITING) });
  const [owner, ...members] = await Promise.all(['alice', 'bob', 'carol'].map((name) => createUser(node.url, name)));
  alice = owner;
  groupId = (await createGroupOfAcquaintances(node.url, alice, 'crowd', members)).id;
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

const get = async (path: string) => {
  const response = await fetch(node.url + path, { headers: { authorization: `Bearer ${alice.token}` } });
  return { path, status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
};

describe('reads that carry rosters under a crowd', () => {
  it('serves what it admits, refuses the rest with 503 and Retry-After, and serves everyone again after', async () => {
    const paths = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? '/api/v1/rooms' : `/api/v1/groups/${groupId}/users`));
    const replies = await Promise.all(paths.map(get));

    for (const reply of replies) expect([200, 503]).toContain(reply.status);
    const refused = replies.filter((reply) => reply.status === 503);
    const served = replies.filter((reply) => reply.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(AT_ONCE + MAX_WAITING);
    for (const reply of refused) {
      expect(reply.body.error.code).toBe('unavailable');
      expect(reply.body.error.message).toMatch(/busy/i);
      expect(reply.retryAfter).toBe('1');
    }
    // Both kinds of read share the one limit.
    expect(new Set(refused.map((reply) => reply.path)).size).toBe(2);
    // What was served is whole.
    for (const reply of served) {
      if (reply.path === '/api/v1/rooms') expect(reply.body.rooms.find((room: { id: string }) => room.id === groupId).members).toHaveLength(3);
      else expect(reply.body.users).toHaveLength(3);
    }

    // Every slot was given back: one at a time, everything is served.
    for (const path of ['/api/v1/rooms', `/api/v1/groups/${groupId}/users`, '/api/v1/rooms']) expect((await get(path)).status).toBe(200);
  });

  it('is read by the web client as a busy node to ask again, after the wait the node gave', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 60 }, () => apiFetch(`${node.url}/api/v1/rooms`, { headers: { authorization: `Bearer ${alice.token}` } })),
    );
    const refusals = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason] : []));
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(ApiError);
      expect(refusal).toMatchObject({ status: 503, code: 'unavailable', retryAfterMs: 1_000 });
    }
  });
});
