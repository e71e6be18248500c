import type { PresenceStatus } from '@/lib/schemas';
import { touchDeviceSessions } from '../auth/device-sessions';
import type { Broadcaster } from '../realtime/broadcaster';
import type { PrismaClient } from '../db/generated/client';
import { presencePushAudience } from '../safety/visibility';
import { handlesById } from '../users/handles-by-id';
import { log } from '../ops/logger';
import type { PresenceStore } from './presence-store';

/** `pushMaxMembers`: changes are pushed to peers through groups of at most this many members (PRESENCE_PUSH_MAX_MEMBERS). */
export type PresenceOptions = { ttlMs: number; graceMs: number; pushMaxMembers: number };

type Person = { userId: string; handle: string };
/** One socket: its user, and the device session it belongs to. */
export type Connection = Person & { sessionId: string };

/**
 * Online while at least one session is connected, on any node. A node heartbeats its own
 * connections; one sweeper (under a lock) turns users of a crashed node offline once their
 * connections lapse, so the bound is about ttl + ttl/3. Going offline waits a grace period, so a
 * page reload does not flap. Only changes are announced, once, to the user's peers, except those met
 * only in big groups, who ask when they look (safety/visibility.ts, presencePushAudience).
 */
export class PresenceTracker {
  private local = new Map<string, Connection>();
  private timers: NodeJS.Timeout[] = [];
  // Offline settlements scheduled or under way, so `idle` can wait for them.
  private settling = new Set<Promise<void>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly db: PrismaClient,
    private readonly broadcaster: Broadcaster,
    private readonly options: PresenceOptions,
  ) {}

  private get beatMs() {
    return Math.max(250, Math.floor(this.options.ttlMs / 3));
  }

  start() {
    this.timers.push(setInterval(() => void this.heartbeat().catch(logError), this.beatMs));
    this.timers.push(setInterval(() => void this.sweep().catch(logError), this.beatMs));
    for (const timer of this.timers) timer.unref();
  }

  stop() {
    for (const timer of this.timers) clearInterval(timer);
  }

  async connected(connection: Connection, connectionId: string) {
    this.local.set(connectionId, connection);
    const previous = await this.store.connect(connection.userId, connectionId, Date.now() + this.options.ttlMs);
    if (previous !== 'online') await this.announce(connection, { handle: connection.handle, status: 'online', lastSeenAt: null });
  }

  async disconnected(connection: Connection, connectionId: string) {
    const leftAt = Date.now();
    this.local.delete(connectionId);
    await this.store.disconnect(connection.userId, connectionId, leftAt);
    // Last seen when the connection left, not when the grace period ran out.
    const settled = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.settleOffline(connection, leftAt).catch(logError).finally(resolve), this.options.graceMs);
      timer.unref();
    });
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
  }

  /** Resolves once every offline settlement scheduled so far (grace timers included) has had its say. */
  async idle(): Promise<void> {
    while (this.settling.size > 0) await Promise.all([...this.settling]);
  }

  private async heartbeat() {
    const connections = [...this.local].map(([connectionId, { userId }]) => ({ connectionId, userId }));
    const missing = await this.store.refresh(connections, Date.now() + this.options.ttlMs);
    // The store lost connections that are still open here (Redis restarted empty, or a stall let them
    // lapse): each is connected again, which marks its user online and tells their peers, so presence is
    // right again within one beat instead of reading offline until the socket reconnects.
    for (const connectionId of missing) {
      const connection = this.local.get(connectionId);
      if (connection) await this.connected(connection, connectionId);
    }
    // An open socket is use of its session too (the settings page's "last seen"); written at most once a minute.
    await touchDeviceSessions([...new Set([...this.local.values()].map((connection) => connection.sessionId))], this.db);
  }

  /**
   * One sweep turn; the node's timer runs it every beat. A crashed node can leave thousands of users
   * to settle at once, and the bound is for all of them: their handles come in one query, they are
   * settled SETTLE_AT_ONCE at a time, and the sweep goes on while whole pages are lapsed, for up to
   * one beat.
   */
  async sweep() {
    // The lock lapses before this node's next turn, so no turn is skipped and the bound holds; two
    // sweeps overlapping now and then is harmless, since settling is atomic. Nodes share it only with
    // nodes on the same beat: a longer beat's lock (a node not yet restarted with a new ttl) would
    // otherwise outlast several of this node's turns and stretch its bound to the other's.
    const lock = `presence-sweep:${this.beatMs}`;
    if (!(await this.store.tryLock(lock, Math.floor(this.beatMs * 0.8)))) return;
    const until = Date.now() + this.beatMs;
    for (;;) {
      const lapsed = await this.store.lapsedUsers(Date.now(), LAPSED_PAGE);
      if (lapsed.length === 0) return;
      const handleOf = await handlesById(this.db, lapsed.map((entry) => entry.userId));
      await inParallel(lapsed, SETTLE_AT_ONCE, async ({ userId, lapsedAt }) => {
        // Last seen at the last heartbeat, which is one ttl before the lapse (or at a later disconnect).
        const seenAt = lapsedAt - this.options.ttlMs;
        const handle = handleOf.get(userId);
        if (handle) await this.settleOffline({ userId, handle }, seenAt);
        else await this.store.settleOffline(userId, Date.now(), seenAt);
      });
      if (lapsed.length < LAPSED_PAGE || Date.now() > until) return;
    }
  }

  private async settleOffline(person: Person, seenAt: number) {
    const lastSeen = await this.store.settleOffline(person.userId, Date.now(), seenAt);
    if (lastSeen === null) return;
    const lastSeenAt = new Date(lastSeen);
    await this.db.user.update({ where: { id: person.userId }, data: { lastSeenAt } });
    await this.announce(person, { handle: person.handle, status: 'offline', lastSeenAt: lastSeenAt.toISOString() });
  }

  // To the user's peers, minus anyone on either side of a block and those met only in big groups.
  private async announce(person: Person, presence: PresenceStatus): Promise<void> {
    const audience = await presencePushAudience(this.db, person.userId, this.options.pushMaxMembers);
    this.broadcaster.toUsers(audience, 'presence', presence);
    // Peers keep the last event they get, and two nodes' announcements can overtake each other. This
    // read leaves right behind the publish (the store and the adapter share one Redis connection), so
    // a change stored after it is also published after ours; one stored before it may have been
    // published before ours, so we repeat the current status to have the last word.
    const current = await this.store.announced(person.userId);
    if (current && current.status !== presence.status) {
      await this.announce(person, {
        handle: person.handle,
        status: current.status,
        lastSeenAt: current.status === 'offline' && current.lastSeen !== null ? new Date(current.lastSeen).toISOString() : null,
      });
    }
  }

  /** Live status of the given users, from the shared store. */
  async statusOf(users: { id: string; handle: string; lastSeenAt: Date | null }[], hidden = new Set<string>()): Promise<PresenceStatus[]> {
    const now = Date.now();
    return Promise.all(
      users.map(async (user) => {
        if (hidden.has(user.id)) return { handle: user.handle, status: 'offline' as const, lastSeenAt: null };
        const online = (await this.store.liveCount(user.id, now)) > 0;
        return { handle: user.handle, status: online ? 'online' : 'offline', lastSeenAt: online ? null : (user.lastSeenAt?.toISOString() ?? null) };
      }),
    );
  }
}

const LAPSED_PAGE = 500;
const SETTLE_AT_ONCE = 16;

/** Runs `work` over the items, `limit` at a time; one item's failure is logged and skips only that item. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]).catch(logError);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const logError = (error: unknown) => log().error({ err: error instanceof Error ? error.message : String(error) }, 'presence failed');
