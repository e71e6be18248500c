import type { ChatMessage } from '@/lib/schemas';
import { emitAck, type TestSocket, type TestUser } from './clients';
import { createGroupAccepted } from './social';

/** An ack that must be ok; fails with the error otherwise. */
export async function ok<T = any>(socket: TestSocket, event: string, payload: unknown): Promise<T> {
  const reply = await emitAck(socket, event, payload);
  if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
  return reply;
}

/** A group whose members have all joined: strangers are invited, so each accepts (social.ts). */
export const createGroup = (baseUrl: string, owner: TestUser, members: TestUser[], name = 'rich') => createGroupAccepted(baseUrl, owner, name, members);

/**
 * What a client holds of one room, kept the way docs/protocol.md says: a message by id, a newer
 * version replacing an older one.
 */
export class RoomReplica {
  readonly messages = new Map<string, ChatMessage>();
  syncedSeq = 0;
  version = 0;

  put(message: ChatMessage) {
    const held = this.messages.get(message.id);
    if (!held || (held.version ?? 0) <= (message.version ?? 0)) this.messages.set(message.id, message);
  }

  /** Follows a socket's live events for the room. */
  follow(socket: TestSocket, roomId: string) {
    socket.on('message:new', ({ message }) => message.roomId === roomId && this.put(message));
    socket.on('message:updated', ({ message }) => message.roomId === roomId && this.put(message));
  }

  /** One catch-up: room:sync pages until hasMore is false. Returns how many changes came back. */
  async sync(socket: TestSocket, roomId: string) {
    let changes = 0;
    for (;;) {
      const reply = await ok(socket, 'room:sync', { roomId, afterSeq: this.syncedSeq, afterVersion: this.version, limit: 200 });
      for (const message of [...reply.messages, ...reply.changes]) this.put(message);
      changes += reply.changes.length;
      this.syncedSeq = reply.messages.at(-1)?.seq ?? (reply.hasMore ? this.syncedSeq : reply.lastSeq);
      this.version = reply.version;
      if (!reply.hasMore) return changes;
    }
  }

  bySeq() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }
}
