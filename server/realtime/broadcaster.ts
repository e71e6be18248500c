import type { ServerToClientEvents } from '@/lib/realtime/contract';
import type { ChatMessage } from '@/lib/schemas';
import { sessionRoom, userRoom } from '@/lib/realtime/contract';
import { metrics } from '../ops/metrics';
import type { RealtimeIo } from './create-realtime-server';
import { hybridFanout } from './hybrid-fanout';

/** How services publish: by user, never by socket, so it works the same across nodes. */
export type Broadcaster = {
  toUsers<E extends keyof ServerToClientEvents>(
    userIds: string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** Cuts every socket of one device session, on whichever node it is; resolves once every node has. */
  disconnectSession(sessionId: string): Promise<void>;
  /** Cuts every socket of a user (suspended or banned), on every node; resolves once every node has. */
  disconnectUser(userId: string): Promise<void>;
};

/** `hybridAbove`: deliveries per second above which a room's new messages fan out the hybrid way (0 = never). */
export function socketBroadcaster(io: RealtimeIo, options: { hybridAbove?: number } = {}): Broadcaster {
  const hybrid = hybridFanout(io, options.hybridAbove ?? 0);
  return {
    toUsers(userIds, event, ...args) {
      if (userIds.length === 0) return;
      if (event === 'message:new' && hybrid.messageNew(userIds, (args[0] as { message: ChatMessage }).message)) return;
      metrics().fanoutDeliveries.inc({ event }, userIds.length);
      // Socket.io's typed emit cannot follow the generic here; the signature above keeps callers typed.
      (io.to(userIds.map(userRoom)).emit as (event: string, ...rest: unknown[]) => void)(event, ...args);
    },
    disconnectSession: (sessionId) => disconnectEverywhere(io, sessionRoom(sessionId)),
    disconnectUser: (userId) => disconnectEverywhere(io, userRoom(userId)),
  };
}

// Every node handles the disconnect request before it answers the fetch that follows it, so once the
// fetch returns no node still holds such a socket: a caller that awaits this can say "cut" and mean it.
// A node that does not answer in time (the adapter's timeout) does not hold the caller up for ever.
async function disconnectEverywhere(io: RealtimeIo, room: string): Promise<void> {
  io.in(room).disconnectSockets(true);
  await io.in(room).fetchSockets().catch(() => {});
}
