import { beforeAll, describe, expect, it } from 'vitest';
import { liveSessionActor } from '@/server/auth/authenticate';
import { setRuntime } from '@/server/runtime';
import { useCountedStatements } from '../helpers/counted-statements';
import { insertUser, useTestDatabase } from '../helpers/in-process-runtime';

// Every busy socket looks at its session again every few seconds (server/realtime/with-handler.ts), so
// at a few thousand users these looks are a good share of a node's queries: the looks of one turn are
// one SQL statement, the session and its user together, and still tell live sessions from ended ones.
const database = useTestDatabase();
const counted = useCountedStatements();
const { statements } = counted;

beforeAll(() => {
  // The look-up reads the database through the runtime: this counted client.
  setRuntime({ db: counted.db } as unknown as Parameters<typeof setRuntime>[0]);
});

describe('session look-ups', () => {
  it('answers the looks of one turn with one statement: live, signed out, locked out, unknown', async () => {
    const db = database.db;
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => insertUser(db, name, name.toUpperCase())));
    database.userIds.push(alice.id, bob.id, carol.id);
    const [live, signedOut, banned] = await Promise.all([
      db.deviceSession.create({ data: { userId: alice.id } }),
      db.deviceSession.create({ data: { userId: bob.id, revokedAt: new Date() } }),
      db.deviceSession.create({ data: { userId: carol.id } }),
    ]);
    await db.user.update({ where: { id: carol.id }, data: { bannedAt: new Date() } });

    statements.length = 0;
    const [ofLive, ofSignedOut, ofBanned, ofUnknown, ofLiveAgain] = await Promise.all(
      [live.id, signedOut.id, banned.id, 'no-such-session', live.id].map((id) => liveSessionActor(id, { touch: false })),
    );

    expect(ofLive).toEqual({ userId: alice.id, handle: alice.handle, displayName: 'ALICE', avatarId: null, sessionId: live.id, role: 'user', createdAt: expect.any(Date) });
    expect(ofLive?.createdAt.getTime()).toBe(alice.createdAt.getTime());
    expect(ofLiveAgain).toEqual(ofLive);
    expect([ofSignedOut, ofBanned, ofUnknown]).toEqual([null, null, null]);
    expect(statements).toHaveLength(1);
  });
});
