import { AppError } from '@/lib/errors';
import type { MessageSendInput } from '@/lib/realtime/contract';
import type { ChatMessage } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import { isUniqueViolation } from '../db/errors';
import { isClosedGroup } from '../groups/closed-group';
import { metrics } from '../ops/metrics';
import { requireMember } from '../rooms/require-member';
import { getDb, getRuntime } from '../runtime';
import { checkContent, containsLink } from '../safety/check-content';
import { announceAccepted } from '../safety/message-requests';
import { appendMessage } from './append-message';
import { directRoomId, findOrCreateDirectRoom } from './direct-rooms';
import { findStoredMessage } from './find-stored-message';
import { assertMayMessage, vetMessage } from './send-policy';
import { pushMessage } from './push-message';
import { queueToRoom } from './send-to-room';

/** A send with its place in line: sends queued after it by the same caller are stored after it. */
export type QueuedSend = { stored: Promise<ChatMessage> };

/**
 * Stores a message and only then reports it. A repeated clientMsgId (a retry after a lost ack)
 * returns the stored message and creates nothing. A plain message to a conversation takes the
 * group-commit path (queueToRoom), and this returns as soon as it is queued, so a socket's next send
 * can join the same batch; a first direct message, one naming its recipient by handle, or one with a
 * link (which may be held) takes the careful path below, where the first direct message
 * creates the room in the same transaction, so no room exists without a message.
 */
export async function queueSend(actor: Actor, input: MessageSendInput): Promise<QueuedSend> {
  const checked = checkBody(input.body);
  if ('roomId' in input && typeof checked === 'string' && !containsLink(checked)) {
    try {
      const { roomId, clientMsgId, replyToId, attachmentIds } = input;
      return await queueToRoom(actor, { roomId, clientMsgId, body: checked, replyToId, attachmentIds });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'rate_limited')) throw error;
      // Out of tokens: an authorised retry is still answered with its stored message; a new send is refused
      // with this error, not checked and charged all over again.
      return { stored: Promise.resolve(await sendCarefully(actor, input, error)) };
    }
  }
  // After every send queued before it, so one caller's messages keep the order they were sent in.
  await getRuntime().appendQueue.settled();
  return { stored: Promise.resolve(await sendCarefully(actor, input, checked)) };
}

/** The whole send, for callers with nothing to pipeline (REST). */
export async function sendMessage(actor: Actor, input: MessageSendInput): Promise<ChatMessage> {
  return (await queueSend(actor, input)).stored;
}

/** The body after the content rules, or why they refuse it (thrown only once the send is known to be new). */
function checkBody(body: string): string | AppError {
  try {
    return checkContent(body, getRuntime().env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** `checked`: the body to store, or why a send that is not a retry is refused. */
async function sendCarefully(actor: Actor, input: MessageSendInput, checked: string | AppError): Promise<ChatMessage> {
  const db = getDb();
  const sender = { id: actor.userId, handle: actor.handle };
  const target = await resolveTarget(db, actor, input);

  // A retry gets what was stored, even when the rules have changed since or the sender is out of tokens.
  if (target.roomId) {
    const existing = await findStoredMessage(db, target.roomId, actor.userId, input.clientMsgId);
    if (existing) {
      // Pushed again: the first push may have been lost (see push-message.ts).
      await pushMessage(db, existing, actor.userId);
      return existing;
    }
  }
  if (checked instanceof AppError) throw checked;
  const { body, linksHeld } = await vetMessage(db, actor, { roomId: target.roomId, recipientId: target.recipientId }, input.clientMsgId, checked, {
    replyToId: input.replyToId,
    attachmentIds: input.attachmentIds,
  });

  let message: ChatMessage;
  try {
    const { clientMsgId, replyToId, attachmentIds } = input;
    // One transaction: a file that may not be sent (or a first message that fails) leaves no room or message.
    message = target.roomId && !attachmentIds?.length
      ? await appendMessage(db, { roomId: target.roomId, sender, clientMsgId, body, replyToId, linksHeld })
      : await db.$transaction(async (tx) => {
          const roomId = target.roomId ?? (await findOrCreateDirectRoom(tx, actor.userId, target.recipientId!));
          return appendMessage(tx, { roomId, sender, clientMsgId, body, replyToId, attachmentIds, linksHeld });
        });
  } catch (error) {
    // A concurrent send of the same clientMsgId won the race: answer with its message.
    if (!isUniqueViolation(error)) throw error;
    const roomId = target.roomId ?? (await directRoomId(db, actor.userId, target.recipientId!));
    const existing = roomId ? await findStoredMessage(db, roomId, actor.userId, input.clientMsgId) : null;
    if (!existing) throw error;
    return existing;
  }

  metrics().messagesStored.inc();
  // Replying to a message request accepts it. So does a first message whose room the other side's first
  // message, racing it, made: that made this side's membership a request (pendingRequest unknown here).
  const accepted =
    target.pendingRequest !== false &&
    (await db.roomMember.updateMany({ where: { roomId: message.roomId, userId: actor.userId, request: { not: null } }, data: { request: null } })).count > 0;

  // Whoever blocked the sender sees nothing from them.
  await pushMessage(db, message, actor.userId);
  if (accepted) await announceAccepted(message.roomId);
  return message;
}

/** An existing room the caller is in, or a recipient for a first direct message. */
// `recipientId`: the other person of a direct conversation, whether or not its room exists yet.
type Target = { roomId?: string; recipientId?: string; pendingRequest?: boolean };

async function resolveTarget(db: DbClient, actor: Actor, input: MessageSendInput): Promise<Target> {
  if ('roomId' in input) {
    const member = await requireMember(actor, input.roomId);
    if (member.room.kind === 'direct') {
      const other = await db.roomMember.findFirst({
        where: { roomId: member.roomId, userId: { not: actor.userId } },
        select: { userId: true },
      });
      await assertMayMessage(db, actor, other?.userId);
      return { roomId: member.roomId, recipientId: other?.userId, pendingRequest: member.request !== null };
    }
    if (await isClosedGroup(db, member.roomId)) throw new AppError('conflict', 'This group is closed: add someone to reopen it.');
    return { roomId: member.roomId, pendingRequest: member.request !== null };
  }
  const user = await db.user.findUnique({ where: { handle: input.to }, select: { id: true } });
  if (!user) throw new AppError('not_found', `No user "${input.to}".`);
  if (user.id === actor.userId) throw new AppError('bad_request', 'You cannot message yourself.');
  await assertMayMessage(db, actor, user.id);
  const roomId = await directRoomId(db, actor.userId, user.id);
  if (!roomId) return { recipientId: user.id };
  const mine = await db.roomMember.findUnique({ where: { roomId_userId: { roomId, userId: actor.userId } }, select: { request: true } });
  return { roomId, recipientId: user.id, pendingRequest: mine?.request != null };
}
