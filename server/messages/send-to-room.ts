import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/errors';
import type { ChatMessage } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { getDb, getRuntime } from '../runtime';
import { limitSending, refundSending } from '../safety/rate-limits';
import { parseMentions } from '@/lib/mentions';
import { toChatMessages } from './chat-message';
import type { AppendOutcome } from './append-batch';
import { broadcastNewMessage, pushMessage } from './push-message';
import { messagingRefusal } from './send-policy';
import { announceAccepted } from '../safety/message-requests';

/**
 * The common send, a plain text message to an existing conversation, stored by group commit: one
 * transaction checks and stores every send that arrived meanwhile (see append-batch.ts). Resolves once
 * the send is queued (charged to the sender's rate limit and in line for the next batch), with the
 * promise of its message: stored before it resolves, pushed live after. A retry of a stored message
 * returns it and costs nothing. Out of tokens, it throws rate_limited; the caller then answers a retry
 * the careful way.
 */
export async function queueToRoom(
  actor: Actor,
  input: { roomId: string; clientMsgId: string; body: string; replyToId?: string; attachmentIds?: string[] },
): Promise<{ stored: Promise<ChatMessage> }> {
  await limitSending(actor.userId);
  const id = randomUUID();
  const outcome = getRuntime().appendQueue.append({ id, senderId: actor.userId, ...input, mentionCandidates: parseMentions(input.body) });
  return { stored: outcome.then((stored) => reportOutcome(actor, input.roomId, id, stored)) };
}

async function reportOutcome(actor: Actor, roomId: string, id: string, outcome: AppendOutcome): Promise<ChatMessage> {
  switch (outcome.verdict) {
    case 'not_member':
      throw new AppError('not_found', 'No such conversation.');
    case 'blocked':
      throw messagingRefusal(await otherMember(roomId, actor.userId));
    case 'closed':
      throw new AppError('conflict', 'This group is closed: add someone to reopen it.');
    case 'no_reply':
      throw new AppError('not_found', 'No such message to reply to.');
    case 'existing': {
      const [message] = await toChatMessages(getDb(), actor.userId, [{ ...outcome.row, sender: { handle: actor.handle } }]);
      // Our own id: this very send was stored, by a batch whose commit we did not hear back from before
      // it was split and retried; it stays charged. Another id: a retry, which costs nothing. Either
      // way it is pushed (again): the push after the first commit may never have gone out.
      if (outcome.row.id !== id) await refundSending(actor.userId);
      await pushMessage(getDb(), message, actor.userId);
      return message;
    }
    case 'stored': {
      const [message] = await toChatMessages(getDb(), actor.userId, [{ ...outcome.row, sender: { handle: actor.handle } }], { fresh: true });
      await broadcastNewMessage(getDb(), outcome.audience, message);
      if (outcome.acceptedRequest) await announceAccepted(roomId);
      return message;
    }
  }
}

async function otherMember(roomId: string, userId: string) {
  const other = await getDb().roomMember.findFirst({ where: { roomId, userId: { not: userId } }, select: { user: { select: { handle: true, deletedAt: true } } } });
  return other?.user;
}
