import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import { messageAudience } from '../safety/visibility';
import { getBroadcaster } from '../runtime';
import { hiddenQuote } from './chat-message';

/**
 * Pushes a stored message live to its audience (the room's members but those who blocked the sender).
 * Also called for a retry answered from storage: the first push may have been lost with its node or
 * with Redis, and receivers keep messages by id, so a second push shows nothing twice.
 */
export async function pushMessage(db: DbClient, message: ChatMessage, senderId: string): Promise<void> {
  await broadcastNewMessage(db, await messageAudience(db, message.roomId, senderId), message);
}

/**
 * `message:new` to an audience. A reply is one copy for everyone, except for those who blocked the
 * person it quotes: they get it with the quote hidden (chat-message.ts, `hiddenQuote`), as history shows it.
 */
export async function broadcastNewMessage(db: DbClient, audience: string[], message: ChatMessage): Promise<void> {
  const quote = message.replyTo;
  const hiders =
    quote && !quote.deleted && !quote.hidden && quote.sender !== message.sender && audience.length > 0
      ? new Set((await db.block.findMany({ where: { blockerId: { in: audience }, blocked: { handle: quote.sender } }, select: { blockerId: true } })).map((block) => block.blockerId))
      : new Set<string>();
  const broadcaster = getBroadcaster();
  if (hiders.size > 0) broadcaster.toUsers([...hiders], 'message:new', { message: { ...message, replyTo: hiddenQuote(quote!) } });
  broadcaster.toUsers(hiders.size > 0 ? audience.filter((userId) => !hiders.has(userId)) : audience, 'message:new', { message });
}
