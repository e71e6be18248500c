import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/errors';
import type { ChatMessage } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { getBroadcaster, getDb, getRuntime } from '../runtime';
import { limitSending, refundSending } from '../safety/rate-limits';
import { messageAudience } from '../safety/visibility';
import { toChatMessage } from './chat-message';

/**
 * The common send, a plain text message to an existing conversation, stored by group commit: one
 * transaction checks and stores every send that arrived meanwhile (see append-batch.ts). Stored
 * before it returns; pushed live after. A retry of a stored message returns it and costs nothing.
 * Out of tokens, it throws rate_limited; the caller then answers a retry the careful way.
 */
export async function sendToRoom(actor: Actor, input: { roomId: string; clientMsgId: string; body: string }): Promise<ChatMessage> {
  await limitSending(actor.userId);
  const id = randomUUID();
  const outcome = await getRuntime().appendQueue.append({ id, senderId: actor.userId, ...input });
  switch (outcome.verdict) {
    case 'not_member':
      throw new AppError('not_found', 'No such conversation.');
    case 'blocked':
      throw new AppError('forbidden', `You cannot message @${await otherHandle(input.roomId, actor.userId)}.`);
    case 'closed':
      throw new AppError('conflict', 'This group is closed: add someone to reopen it.');
    case 'existing': {
      const message = toChatMessage({ ...outcome.row, sender: { handle: actor.handle } });
      // Our own id: this very send was stored, by a batch whose commit we did not hear back from before
      // it was split and retried. It is new to everyone else, so it is pushed, and it stays charged.
      if (outcome.row.id === id) {
        getBroadcaster().toUsers(await messageAudience(getDb(), input.roomId, actor.userId), 'message:new', { message });
      } else {
        await refundSending(actor.userId);
      }
      return message;
    }
    case 'stored': {
      const message = toChatMessage({ ...outcome.row, sender: { handle: actor.handle } });
      getBroadcaster().toUsers(outcome.audience, 'message:new', { message });
      return message;
    }
  }
}

async function otherHandle(roomId: string, userId: string) {
  const other = await getDb().roomMember.findFirst({ where: { roomId, userId: { not: userId } }, select: { user: { select: { handle: true } } } });
  return other?.user.handle ?? 'them';
}
