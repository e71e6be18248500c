import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { PresenceStatus } from '@/lib/schemas';
import { MemoryPresenceStore } from '@/server/presence/presence-store';
import { PresenceTracker } from '@/server/presence/presence-tracker';
import { RedisPresenceStore } from '@/server/presence/redis-presence-store';
import { presenceHiddenFrom } from '@/server/safety/visibility';
import { useCountedStatements } from '../helpers/counted-statements';
import { insertGroup, insertUser, recordingBroadcaster, useTestDatabase } from '../helpers/in-process-runtime';
import { TEST_REDIS_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';
import { watchDb } from '../helpers/watched-db';

// Two nodes' trackers over one shared store and the real test database. What peers are sent is one
// list in publish order, as Redis delivers it. Each node reaches the database through its own
// watcher, so one node's announcement can be held at its audience look-up to make it slow.
const database = useTestDatabase();
const counted = useCountedStatements();
const { userIds, roomIds } = database;

/** Bob, with Alice as his one peer: they share a group. */
async function people() {
  const db = database.db;
  const [alice, bob] = [await insertUser(db, 'alice'), await insertUser(db, 'bob')];
  userIds.push(alice.id, bob.id);
  roomIds.push((await insertGroup(db, alice.id, [bob.id])).id);
  return { alice, bob };
}

function node(store: MemoryPresenceStore, sent: ReturnType<typeof recordingBroadcaster>['broadcaster'], graceMs = 0) {
  const watched = watchDb(database.db);
  const tracker = new PresenceTracker(store, watched.db, sent, { ttlMs: 60_000, graceMs, pushMaxMembers: 100 });
  return { tracker, watched };
}

const presenceEvents = (sent: ReturnType<typeof recordingBroadcaster>['sent']) =>
  sent.filter((entry) => entry.event === 'presence').map((entry) => ({ to: entry.userIds, ...(entry.payload as PresenceStatus) }));
type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
/** Rows the plan's scans of `table` returned, over all their loops. */
const rowsRead = (node: PlanNode, table: string): number =>
  (node['Relation Name'] === table ? node['Actual Rows'] * node['Actual Loops'] : 0) + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PresenceTracker across nodes, on the real database', () => {
  it('has the last word be "online" when an offline announcement is overtaken by a reconnect on another node', async () => {
    const { alice, bob } = await people();
    const store = new MemoryPresenceStore();
    const { broadcaster, sent } = recordingBroadcaster();
    const [nodeA, nodeB] = [node(store, broadcaster), node(store, broadcaster)];
    const connection = { userId: bob.id, handle: bob.handle, sessionId: 's1' };
    await nodeA.tracker.connected(connection, 'on-a');
    // Announced to the peer the real membership rows name, and to nobody else.
    expect(presenceEvents(sent)).toEqual([{ to: [alice.id], handle: bob.handle, status: 'online', lastSeenAt: null }]);

    // Node A's grace timer settles bob offline, but its announcement is slow to go out...
    const slow = nodeA.watched.holdNext('$queryRaw');
    const leftAt = Date.now();
    await nodeA.tracker.disconnected(connection, 'on-a');
    await slow.reached;
    // ...while bob is back on node B, which announces online first.
    await nodeB.tracker.connected(connection, 'on-b');
    expect(presenceEvents(sent).map((event) => event.status)).toEqual(['online', 'online']);
    slow.release();
    // Node A has had its whole say (the settlement and every repeat it makes) once it is idle.
    await nodeA.tracker.idle();

    // The stale "offline" still goes out, but node A sees it is stale and repeats "online" after it.
    const events = presenceEvents(sent);
    expect(events.map((event) => event.status)).toEqual(['online', 'online', 'offline', 'online']);
    expect(events.every((event) => event.to.length === 1 && event.to[0] === alice.id)).toBe(true);
    const lastSeen = new Date(events[2].lastSeenAt!).getTime();
    expect(lastSeen).toBeGreaterThanOrEqual(leftAt);
    expect(events.at(-1)).toEqual({ to: [alice.id], handle: bob.handle, status: 'online', lastSeenAt: null });
    // The offline was written before it was announced; the row keeps it while bob is online again.
    const row = await database.db.user.findUniqueOrThrow({ where: { id: bob.id } });
    expect(row.lastSeenAt?.getTime()).toBe(lastSeen);
    expect(await store.announced(bob.id)).toEqual({ status: 'online', lastSeen: null });
  });

  it('announces one offline, last seen when the last connection left, not when a grace period ran out', async () => {
    const { alice, bob } = await people();
    const store = new MemoryPresenceStore();
    const { broadcaster, sent } = recordingBroadcaster();
    const graceMs = 50;
    const { tracker } = node(store, broadcaster, graceMs);
    const tab = (sessionId: string) => ({ userId: bob.id, handle: bob.handle, sessionId });
    await tracker.connected(tab('s1'), 'tab-1');
    await tracker.connected(tab('s2'), 'tab-2');
    await tracker.disconnected(tab('s1'), 'tab-1');
    await pause(10);
    // The first tab's grace timer is the one that finds nobody left; bob was last seen on the second.
    const lastLeft = Date.now();
    await tracker.disconnected(tab('s2'), 'tab-2');
    const afterLastLeft = Date.now();
    await waitFor(() => presenceEvents(sent).length >= 2, 5_000, 'the offline announcement');
    // Past the second tab's grace timer too, which must find bob settled already and say nothing. The
    // sentinel: alice comes and goes on the same node after bob's last tab left; her grace timer runs out
    // after both of his, so once her offline is out, his second timer has had its say.
    const alicesTab = { userId: alice.id, handle: alice.handle, sessionId: 'a1' };
    await tracker.connected(alicesTab, 'alice-tab');
    await tracker.disconnected(alicesTab, 'alice-tab');
    await waitFor(() => presenceEvents(sent).some((event) => event.handle === alice.handle && event.status === 'offline'), 5_000, "alice's offline, the sentinel");

    const events = presenceEvents(sent).filter((event) => event.handle === bob.handle);
    expect(events.map((event) => event.status)).toEqual(['online', 'offline']);
    expect(events[1].to).toEqual([alice.id]);
    const lastSeen = new Date(events[1].lastSeenAt!).getTime();
    expect(lastSeen).toBeGreaterThanOrEqual(lastLeft);
    expect(lastSeen).toBeLessThanOrEqual(afterLastLeft);
    const row = await database.db.user.findUniqueOrThrow({ where: { id: bob.id } });
    expect(row.lastSeenAt?.getTime()).toBe(lastSeen);
  });

  it('pushes changes only to peers met in a direct conversation or a small group; those met only in a big group may still ask', async () => {
    const db = database.db;
    const [alice, bob, carol, dave, stranger] = await Promise.all(['alice', 'bob', 'carol', 'dave', 'stranger'].map((name) => insertUser(db, name)));
    userIds.push(alice.id, bob.id, carol.id, dave.id, stranger.id);
    // With a cap of 3: alice shares the small group and the big one with bob; carol and dave only the big one.
    roomIds.push((await insertGroup(db, bob.id, [alice.id])).id, (await insertGroup(db, bob.id, [alice.id, carol.id, dave.id])).id);
    const { broadcaster, sent } = recordingBroadcaster();
    const tracker = new PresenceTracker(new MemoryPresenceStore(), db, broadcaster, { ttlMs: 60_000, graceMs: 0, pushMaxMembers: 3 });
    await tracker.connected({ userId: bob.id, handle: bob.handle, sessionId: 's1' }, 'bob-tab');
    expect(presenceEvents(sent)).toEqual([{ to: [alice.id], handle: bob.handle, status: 'online', lastSeenAt: null }]);
    // Carol was not told, but asking shows her bob's real status: she is his peer. A stranger is not.
    expect(await presenceHiddenFrom(db, carol.id, [bob.id, dave.id, stranger.id])).toEqual(new Set([stranger.id]));
    expect(await presenceHiddenFrom(db, stranger.id, [bob.id])).toEqual(new Set([bob.id]));
  });

  it("answers one turn's announcements (sockets reconnecting together) with one audience statement, each to its own peers", async () => {
    const db = database.db;
    const couples = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const [a, b] = [await insertUser(db, `a${n}`), await insertUser(db, `b${n}`)];
        userIds.push(a.id, b.id);
        roomIds.push((await insertGroup(db, a.id, [b.id])).id);
        return { a, b };
      }),
    );
    const { broadcaster, sent } = recordingBroadcaster();
    const tracker = new PresenceTracker(new MemoryPresenceStore(), counted.db, broadcaster, { ttlMs: 60_000, graceMs: 0, pushMaxMembers: 100 });
    counted.statements.length = 0;
    await Promise.all(couples.map(({ a }) => tracker.connected({ userId: a.id, handle: a.handle, sessionId: `s-${a.id}` }, `tab-${a.id}`)));
    expect(counted.statements.filter((sql) => sql.includes('WITH mine AS'))).toHaveLength(1);
    expect(presenceEvents(sent).sort((x, y) => x.handle.localeCompare(y.handle))).toEqual(
      couples.map(({ a, b }) => ({ to: [b.id], handle: a.handle, status: 'online', lastSeenAt: null })).sort((x, y) => x.handle.localeCompare(y.handle)),
    );
  });

  it("looks up a big group's members coming online together without counting the group for every pair of them", async () => {
    const db = database.db;
    const members = await Promise.all(Array.from({ length: 300 }, (_, index) => insertUser(db, `big${index}`)));
    userIds.push(...members.map((member) => member.id));
    roomIds.push((await insertGroup(db, members[0].id, members.slice(1).map((member) => member.id))).id);
    const { broadcaster, sent } = recordingBroadcaster();
    const tracker = new PresenceTracker(new MemoryPresenceStore(), counted.db, broadcaster, { ttlMs: 60_000, graceMs: 0, pushMaxMembers: 100 });
    counted.sent.length = 0;
    const arriving = members.slice(0, 30);
    await Promise.all(arriving.map((member) => tracker.connected({ userId: member.id, handle: member.handle, sessionId: `s-${member.id}` }, `tab-${member.id}`)));
    // A group over the cap: nobody is told.
    expect(presenceEvents(sent).flatMap((event) => event.to)).toEqual([]);
    // Replayed under EXPLAIN ANALYZE: the rows its scans of RoomMember returned, over all their loops.
    // Each arriving member's group is counted only as far as the limit; counted for every pair of
    // members, as the planner once ran it, this was 30 × 300 × 300 (2.7 million).
    const lookUp = counted.sent.find((statement) => statement.sql.includes('WITH mine AS'))!;
    const [{ 'QUERY PLAN': [plan] }] = await db.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${lookUp.sql}`, ...lookUp.params);
    expect(rowsRead(plan.Plan, 'RoomMember')).toBeLessThanOrEqual(arriving.length * (100 + 1) + members.length);
  });

  it('sweeps a crashed node\'s users on its own beat while a node on a longer beat holds that node\'s sweep lock', async () => {
    const { alice, bob } = await people();
    const redis = new Redis(TEST_REDIS_URL);
    const store = new RedisPresenceStore(redis);
    const { broadcaster, sent } = recordingBroadcaster();
    const tracker = (ttlMs: number) => new PresenceTracker(store, database.db, broadcaster, { ttlMs, graceMs: 0, pushMaxMembers: 100 });
    // Never started: no heartbeat ever refreshes bob's connection there, as on a killed node.
    const crashed = tracker(1_500);
    // The default ttl (45 s): a 15 s beat, whose turn keeps the lock for 12 s.
    const slow = tracker(45_000);
    const fast = tracker(1_500);
    try {
      const connecting = Date.now();
      await crashed.connected({ userId: bob.id, handle: bob.handle, sessionId: 's1' }, `crashed-${bob.id}`);
      const connectedAt = Date.now();
      await slow.sweep();
      fast.start();
      // The fast node's bound (ttl + a third of it) plus a margin for the work itself.
      // Redis is shared with the earlier tests, whose lapsed users the sweep may settle too.
      const bobOffline = () => presenceEvents(sent).find((event) => event.handle === bob.handle && event.status === 'offline');
      await waitFor(() => bobOffline() !== undefined, 1_500 + 500 + 1_000, 'bob settled offline by the fast node');
      const offline = bobOffline()!;
      expect(offline.to).toEqual([alice.id]);
      // Last seen at bob's last heartbeat, which was his connect.
      const lastSeen = new Date(offline.lastSeenAt!).getTime();
      expect(lastSeen).toBeGreaterThanOrEqual(connecting);
      expect(lastSeen).toBeLessThanOrEqual(connectedAt);
    } finally {
      fast.stop();
      await redis.del(`relay:presence:conns:${bob.id}`, `relay:presence:state:${bob.id}`);
      await redis.zrem('relay:presence:users', bob.id);
      await redis.quit();
    }
  });
});
