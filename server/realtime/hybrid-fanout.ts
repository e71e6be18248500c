import type { Socket } from 'socket.io';
import { userRoom, viewerRoom, viewersRoom } from '@/lib/realtime/contract';
import type { ChatMessage } from '@/lib/schemas';
import { metrics } from '../ops/metrics';
import type { RealtimeIo } from './create-realtime-server';

/** How often, at most, a hot room's `room:advanced` goes to the members not looking at it. */
export const ADVANCE_WINDOW_MS = 50;
const RATE_WINDOW_MS = 1_000;

/**
 * Hybrid push/pull for large, active groups (docs/performance.md). A room is hot while its deliveries
 * per second on this node (audience × messages in the last second) are above `aboveDeliveriesPerSec`
 * (0 = never). A hot room's `message:new` goes live only to the sockets showing it; every other socket
 * of its audience gets a coalesced `room:advanced` and pulls with `room:sync` when the room is opened.
 * Returns false for a room that is not hot: the caller then pushes to everyone as usual.
 */
export function hybridFanout(io: RealtimeIo, aboveDeliveriesPerSec: number) {
  // Messages per room in this rate window and the one before it (a window that just began is not "quiet").
  let windowStart = 0;
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  const pending = new Map<string, { lastSeq: number; audience: Set<string>; dirty: boolean }>();

  const isHot = (roomId: string, audienceSize: number) => {
    const now = Date.now();
    if (now - windowStart >= RATE_WINDOW_MS) {
      previous = now - windowStart < 2 * RATE_WINDOW_MS ? current : new Map();
      current = new Map();
      windowStart = now;
    }
    const count = (current.get(roomId) ?? 0) + 1;
    current.set(roomId, count);
    return aboveDeliveriesPerSec > 0 && audienceSize * Math.max(count, previous.get(roomId) ?? 0) > aboveDeliveriesPerSec;
  };

  // Not to the sockets showing the room: they have the message itself.
  const emitAdvanced = (roomId: string, lastSeq: number, audience: Set<string>) => {
    metrics().fanoutDeliveries.inc({ event: 'room:advanced' }, audience.size);
    io.to([...audience].map(userRoom)).except(viewersRoom(roomId)).emit('room:advanced', { roomId, lastSeq });
  };

  // Leading and trailing edge: the first advance at once, then at most one per window, and the last
  // one always goes out, so every member ends up knowing the final lastSeq. Audiences are joined: a
  // member addressed by any message of the window hears of it.
  const advance = (roomId: string, lastSeq: number, audience: string[]) => {
    const waiting = pending.get(roomId);
    if (waiting) {
      waiting.lastSeq = Math.max(waiting.lastSeq, lastSeq);
      for (const userId of audience) waiting.audience.add(userId);
      waiting.dirty = true;
      return;
    }
    const entry = { lastSeq, audience: new Set(audience), dirty: false };
    pending.set(roomId, entry);
    emitAdvanced(roomId, lastSeq, entry.audience);
    const close = () => {
      if (!entry.dirty) return void pending.delete(roomId);
      emitAdvanced(roomId, entry.lastSeq, entry.audience);
      entry.dirty = false;
      entry.audience = new Set();
      setTimeout(close, ADVANCE_WINDOW_MS).unref();
    };
    setTimeout(close, ADVANCE_WINDOW_MS).unref();
  };

  return {
    messageNew(audience: string[], message: ChatMessage): boolean {
      if (!isHot(message.roomId, audience.length)) return false;
      metrics().hybridMessages.inc();
      // Each audience member's own viewer room: a member outside the audience (who blocked the
      // sender) never gets the message, even while looking at the room.
      io.to(audience.map((userId) => viewerRoom(message.roomId, userId))).emit('message:new', { message });
      advance(message.roomId, message.seq, audience);
      return true;
    },
  };
}

/**
 * Keeps a socket in the viewer rooms of the conversation its tab shows (visible, focused or not).
 * No membership check is needed: a message goes only to the viewer rooms of its audience, and
 * joining another room's `viewersRoom` only keeps `room:advanced` of a room one is not in away.
 */
export function trackViewing(socket: Socket, userId: string, roomId: string | null) {
  for (const room of socket.rooms) if (room.startsWith('viewer')) void socket.leave(room);
  if (roomId) void socket.join([viewersRoom(roomId), viewerRoom(roomId, userId)]);
}
