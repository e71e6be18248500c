import type { ChatMessage } from '@/lib/schemas';
import { emitAck, type TestSocket } from './clients';

/**
 * Follows one conversation the way the web client does (lib/realtime/chat-client.ts): messages kept by
 * id, `syncedSeq` moved by sync replies and by the next live seq, a sync on a hole or when
 * `room:advanced` shows a newer seq. Records which messages came live (`message:new`).
 */
export function followRoom(socket: TestSocket, roomId: string) {
  const byId = new Map<string, ChatMessage>();
  const liveIds = new Set<string>();
  let syncedSeq = 0;
  let syncing: Promise<void> | null = null;
  let again = false;

  const syncOnce = async () => {
    for (;;) {
      const reply = await emitAck(socket, 'room:sync', { roomId, afterSeq: syncedSeq });
      if (!reply.ok) return;
      for (const message of reply.messages as ChatMessage[]) byId.set(message.id, message);
      syncedSeq = Math.max(syncedSeq, reply.hasMore ? reply.messages.at(-1).seq : reply.lastSeq);
      if (!reply.hasMore) return;
    }
  };
  const sync = (): Promise<void> => {
    if (syncing) {
      again = true;
      return syncing;
    }
    syncing = syncOnce()
      .catch(() => {})
      .finally(() => {
        syncing = null;
        if (again) {
          again = false;
          void sync();
        }
      });
    return syncing;
  };

  socket.on('message:new', ({ message }) => {
    if (message.roomId !== roomId) return;
    byId.set(message.id, message);
    liveIds.add(message.id);
    if (message.seq === syncedSeq + 1) syncedSeq = message.seq;
    else if (message.seq > syncedSeq + 1) void sync();
  });
  socket.on('room:advanced', ({ roomId: advanced, lastSeq }) => {
    if (advanced === roomId && lastSeq > syncedSeq) void sync();
  });

  return {
    sync,
    liveIds,
    /** Everything held, in seq order. */
    messages: () => [...byId.values()].sort((a, b) => a.seq - b.seq),
    has: (ids: string[]) => ids.every((id) => byId.has(id)),
  };
}
