import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import { messageInclude, toChatMessage } from './chat-message';

/** The sender's message with this clientMsgId in the room, if one is stored: what a retry gets back. */
export async function findStoredMessage(db: DbClient, roomId: string, senderId: string, clientMsgId: string): Promise<ChatMessage | null> {
  const row = await db.message.findUnique({
    where: { roomId_senderId_clientMsgId: { roomId, senderId, clientMsgId } },
    include: messageInclude,
  });
  return row ? toChatMessage(row) : null;
}
