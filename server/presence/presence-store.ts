export type AnnouncedStatus = 'online' | 'offline';

/** What peers were last told about a user; `lastSeen` (ms) is set while offline. */
export type Announced = { status: AnnouncedStatus; lastSeen: number | null };

/**
 * Where live connections are counted. Each connection has an expiry that its node's heartbeat
 * pushes forward, so the connections of a crashed node lapse by themselves.
 *
 * `connect` and `settleOffline` are each one atomic step: nodes call them concurrently for the same
 * user, and a connect must never land between "no live connection" and "now offline".
 */
export interface PresenceStore {
  /** Adds a live connection and marks the user online; returns what was announced before. */
  connect(userId: string, connectionId: string, expiresAt: number): Promise<AnnouncedStatus | null>;
  /** Removes a connection, remembering when it left (the user's last seen if it was the last one). */
  disconnect(userId: string, connectionId: string, leftAt: number): Promise<void>;
  /**
   * Pushes the given connections' expiry forward; returns the ids of those the store no longer holds
   * (its data was lost, e.g. Redis restarted empty, or they lapsed meanwhile) and did not refresh.
   */
  refresh(connections: { userId: string; connectionId: string }[], expiresAt: number): Promise<string[]>;
  /** Live (unexpired) connections of a user, dropping lapsed ones. */
  liveCount(userId: string, now: number): Promise<number>;
  /** Users whose every connection has lapsed by `now`: the crash sweep's work list. */
  lapsedUsers(now: number, limit: number): Promise<{ userId: string; lapsedAt: number }[]>;
  /**
   * If the user has no live connection at `now`: drops them from the sweep's list and, unless already
   * offline, marks them offline and returns their last seen (the later of `seenAt` and their last
   * disconnect). Otherwise, or when already offline, returns null.
   */
  settleOffline(userId: string, now: number, seenAt: number): Promise<number | null>;
  announced(userId: string): Promise<Announced | null>;
  /** True for the one caller that gets the lock until it expires (one sweeper across nodes). */
  tryLock(name: string, ttlMs: number): Promise<boolean>;
}

type UserState = { connections: Map<string, number>; status: AnnouncedStatus | null; lastSeen: number | null; leftAt: number };

// An offline user's state is kept this long (for the announce race check), then dropped: the last
// seen time is in the database, and a user with no state is simply not online.
const FORGET_OFFLINE_MS = 10 * 60_000;

/** One node, no Redis: the same rules kept in this process (no method yields midway, so each is atomic). */
export class MemoryPresenceStore implements PresenceStore {
  private users = new Map<string, UserState>();
  // Users with connections, by their latest expiry, like the Redis store's sorted set.
  private sweepList = new Map<string, number>();

  async connect(userId: string, connectionId: string, expiresAt: number) {
    const state = this.state(userId);
    state.connections.set(connectionId, expiresAt);
    this.extendSweep(userId, expiresAt);
    const previous = state.status;
    state.status = 'online';
    state.lastSeen = null;
    return previous;
  }

  async disconnect(userId: string, connectionId: string, leftAt: number) {
    const state = this.state(userId);
    state.connections.delete(connectionId);
    state.leftAt = Math.max(state.leftAt, leftAt);
  }

  async refresh(connections: { userId: string; connectionId: string }[], expiresAt: number) {
    const missing: string[] = [];
    for (const { userId, connectionId } of connections) {
      const mine = this.users.get(userId)?.connections;
      if (!mine?.has(connectionId)) {
        missing.push(connectionId);
        continue;
      }
      mine.set(connectionId, expiresAt);
      this.extendSweep(userId, expiresAt);
    }
    return missing;
  }

  async liveCount(userId: string, now: number) {
    return this.pruneLapsed(userId, now);
  }

  async lapsedUsers(now: number, limit: number) {
    this.forgetIdle(now);
    return [...this.sweepList]
      .filter(([, lapsedAt]) => lapsedAt <= now)
      .slice(0, limit)
      .map(([userId, lapsedAt]) => ({ userId, lapsedAt }));
  }

  async settleOffline(userId: string, now: number, seenAt: number) {
    if (this.pruneLapsed(userId, now) > 0) return null;
    this.sweepList.delete(userId);
    const state = this.state(userId);
    if (state.status === 'offline') return null;
    state.status = 'offline';
    state.lastSeen = Math.max(seenAt, state.leftAt);
    return state.lastSeen;
  }

  async announced(userId: string) {
    const state = this.users.get(userId);
    return state?.status ? { status: state.status, lastSeen: state.lastSeen } : null;
  }

  async tryLock() {
    return true;
  }

  /** Users with state kept (for tests of the eviction). */
  get size() {
    return this.users.size;
  }

  // Called with the crash sweep's every beat: users offline for a while, with no connection, go.
  private forgetIdle(now: number) {
    for (const [userId, state] of this.users) {
      const idle = state.status !== 'online' && state.connections.size === 0 && !this.sweepList.has(userId);
      if (idle && Math.max(state.lastSeen ?? 0, state.leftAt) + FORGET_OFFLINE_MS <= now) this.users.delete(userId);
    }
  }

  private state(userId: string): UserState {
    let state = this.users.get(userId);
    if (!state) this.users.set(userId, (state = { connections: new Map(), status: null, lastSeen: null, leftAt: 0 }));
    return state;
  }

  private extendSweep(userId: string, expiresAt: number) {
    this.sweepList.set(userId, Math.max(this.sweepList.get(userId) ?? 0, expiresAt));
  }

  private pruneLapsed(userId: string, now: number): number {
    const mine = this.users.get(userId)?.connections;
    if (!mine) return 0;
    for (const [id, expiresAt] of mine) if (expiresAt <= now) mine.delete(id);
    return mine.size;
  }
}
