import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import { messageAudience } from '../safety/visibility';
import { getBroadcaster } from '../runtime';

/**
 * Pushes a stored message live to its audience (the room's members but those who blocked the sender).
 * Also called for a retry answered from storage: the first push may have been lost with its node or
 * with Redis, and receivers keep messages by id, so a second push shows nothing twice.
 */
export async function pushMessage(db: DbClient, message: ChatMessage, senderId: string): Promise<void> {
  getBroadcaster().toUsers(await messageAudience(db, message.roomId, senderId), 'message:new', { message });
}
