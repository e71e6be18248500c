import type { Redis } from 'ioredis';
import { errorReason } from '../db/errors';
import { log } from '../ops/logger';

/** Where each socket says it is looking: a conversation, shown and focused; or nothing. Shared by nodes. */
export interface ViewStore {
  /** `roomId` null: this socket is not looking at any conversation now. */
  set(userId: string, socketId: string, roomId: string | null, expiresAt: number): Promise<void>;
  /** Whether any socket of the user is looking at the room (entries past their expiry do not count). */
  viewing(userId: string, roomId: string, now: number): Promise<boolean>;
  /** Whether a socket other than `socketId` is looking at any conversation. */
  viewingElsewhere(userId: string, socketId: string, now: number): Promise<boolean>;
}

export class MemoryViewStore implements ViewStore {
  private views = new Map<string, Map<string, { roomId: string; expiresAt: number }>>();

  async set(userId: string, socketId: string, roomId: string | null, expiresAt: number) {
    const mine = this.views.get(userId) ?? new Map();
    if (roomId) mine.set(socketId, { roomId, expiresAt });
    else mine.delete(socketId);
    if (mine.size > 0) this.views.set(userId, mine);
    else this.views.delete(userId);
  }

  async viewing(userId: string, roomId: string, now: number) {
    return [...(this.views.get(userId)?.values() ?? [])].some((view) => view.roomId === roomId && view.expiresAt > now);
  }

  async viewingElsewhere(userId: string, socketId: string, now: number) {
    return [...(this.views.get(userId) ?? [])].some(([id, view]) => id !== socketId && view.expiresAt > now);
  }
}

const viewKey = (userId: string) => `relay:view:${userId}`;

/** One hash per user, socket id → "roomId expiresAt"; a crashed node's entries lapse by their expiry. */
export class RedisViewStore implements ViewStore {
  constructor(private readonly redis: Redis) {}

  async set(userId: string, socketId: string, roomId: string | null, expiresAt: number) {
    if (!roomId) {
      await this.redis.hdel(viewKey(userId), socketId);
      return;
    }
    await this.redis
      .multi()
      .hset(viewKey(userId), socketId, `${roomId} ${expiresAt}`)
      .pexpireat(viewKey(userId), expiresAt)
      .exec();
  }

  async viewing(userId: string, roomId: string, now: number) {
    const entries = Object.values(await this.redis.hgetall(viewKey(userId)));
    return entries.some((entry) => {
      const [room, expiresAt] = entry.split(' ');
      return room === roomId && Number(expiresAt) > now;
    });
  }

  async viewingElsewhere(userId: string, socketId: string, now: number) {
    const entries = Object.entries(await this.redis.hgetall(viewKey(userId)));
    return entries.some(([id, entry]) => id !== socketId && Number(entry.split(' ')[1]) > now);
  }
}

export type ViewState = { roomId: string | null; visible: boolean; focused: boolean };

/**
 * This node's sockets' view states, written through to the shared store and re-written every
 * ttl/3, so the entries of a node that died lapse within a ttl and stop holding pushes back.
 */
export class ViewTracker {
  private local = new Map<string, { userId: string; roomId: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: ViewStore,
    private readonly ttlMs: number,
  ) {}

  start() {
    this.timer = setInterval(() => void this.refresh().catch(logError), Math.max(250, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  async report(userId: string, socketId: string, state: ViewState) {
    // Only a tab that is shown and focused on a conversation is "looking at" it.
    const roomId = state.roomId && state.visible && state.focused ? state.roomId : null;
    if (roomId) this.local.set(socketId, { userId, roomId });
    else this.local.delete(socketId);
    await this.store.set(userId, socketId, roomId, Date.now() + this.ttlMs);
  }

  async disconnected(userId: string, socketId: string) {
    if (!this.local.delete(socketId)) return;
    await this.store.set(userId, socketId, null, 0);
  }

  viewing(userId: string, roomId: string) {
    return this.store.viewing(userId, roomId, Date.now());
  }

  activeElsewhere(userId: string, socketId: string) {
    return this.store.viewingElsewhere(userId, socketId, Date.now());
  }

  private async refresh() {
    const expiresAt = Date.now() + this.ttlMs;
    await Promise.all([...this.local].map(([socketId, view]) => this.store.set(view.userId, socketId, view.roomId, expiresAt)));
  }
}

const logError = (error: unknown) => log().error({ err: errorReason(error) }, 'view state failed');
