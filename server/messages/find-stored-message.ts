import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import { messageInclude, toChatMessages } from './chat-message';

/** The sender's message with this clientMsgId in the room, if one is stored: what a retry gets back. */
export async function findStoredMessage(db: DbClient, roomId: string, senderId: string, clientMsgId: string): Promise<ChatMessage | null> {
  const row = await db.message.findUnique({
    where: { roomId_senderId_clientMsgId: { roomId, senderId, clientMsgId } },
    include: messageInclude,
  });
  return row ? (await toChatMessages(db, senderId, [row]))[0] : null;
}
