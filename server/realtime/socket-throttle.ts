import type { Socket } from 'socket.io';
import { AppError } from '@/lib/errors';

export type ThrottleRule = { perSec: number; burst: number };

/**
 * Each throttled event's share of the base rule (SOCKET_EVENTS_PER_SEC, SOCKET_EVENT_BURST). A client
 * syncs every room on reconnect and marks each arriving message delivered, so those get more room.
 */
export const THROTTLE_FACTORS = { typing: 1, 'presence:query': 1, 'room:read': 4, 'room:delivered': 4, 'room:sync': 10 } as const;
export type ThrottledEvent = keyof typeof THROTTLE_FACTORS;

export const throttleRule = (event: ThrottledEvent, base: ThrottleRule): ThrottleRule => ({
  perSec: base.perSec * THROTTLE_FACTORS[event],
  burst: base.burst * THROTTLE_FACTORS[event],
});

type Bucket = { tokens: number; at: number };

// Lives and dies with its socket (kept in a WeakMap off socket.data, which is sent across nodes).
const bucketsOf = new WeakMap<Socket, Map<string, Bucket>>();

/**
 * A token bucket per socket and event, in this process's memory: one socket flooding `typing` or
 * `room:sync` gets `rate_limited` instead of reaching peers or the database.
 */
export function throttleSocketEvent(socket: Socket, event: string, rule: ThrottleRule, now = Date.now()) {
  let buckets = bucketsOf.get(socket);
  if (!buckets) bucketsOf.set(socket, (buckets = new Map()));
  const bucket = buckets.get(event) ?? { tokens: rule.burst, at: now };
  bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSec);
  bucket.at = now;
  buckets.set(event, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return;
  }
  const retryAfterMs = Math.ceil(((1 - bucket.tokens) / rule.perSec) * 1000);
  throw new AppError('rate_limited', `Too many "${event}" events. Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`, { retryAfterMs });
}
