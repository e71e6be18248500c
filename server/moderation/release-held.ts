import { AppError } from '@/lib/errors';
import type { ChatMessage } from '@/lib/schemas';
import { isLockedOut } from '../auth/authenticate';
import type { Tx } from '../db/client-types';
import { appendMessage } from '../messages/append-message';
import { isClosedGroup } from '../groups/closed-group';
import { findOrCreateDirectRoom } from '../messages/direct-rooms';
import { eitherBlocked } from '../safety/block-relations';

type Held = { roomId: string | null; recipientId: string | null; senderId: string; clientMsgId: string; body: string; replyToId: string | null; attachmentIds: string[] };

/**
 * Puts a held message into its conversation as if just sent. The sender's standing is checked
 * again now, not when it was held: a moderator must not deliver what the sender could no longer
 * send (banned or suspended, gone from the room, blocked either way since, the group closed). Refusals are
 * `conflict`, leaving the message held for a discard.
 */
export async function releaseHeld(tx: Tx, held: Held): Promise<ChatMessage> {
  const sender = await tx.user.findUnique({ where: { id: held.senderId }, select: { id: true, handle: true, bannedAt: true, suspendedUntil: true, deletedAt: true } });
  if (!sender) throw new AppError('conflict', 'The sender no longer exists; discard it instead.');
  if (isLockedOut(sender)) throw new AppError('conflict', `@${sender.handle} is banned, suspended or deleted; discard it instead.`);

  const roomId = held.roomId ? await roomStillOpen(tx, held.roomId, sender) : await directRoomFor(tx, held.recipientId, sender);
  // The sender resent it under the same id and it was stored (or another copy was released).
  const existing = await tx.message.findUnique({
    where: { roomId_senderId_clientMsgId: { roomId, senderId: sender.id, clientMsgId: held.clientMsgId } },
    select: { id: true },
  });
  if (existing) throw new AppError('conflict', 'This message is already in the conversation; discard the held copy.');
  // The sender may have sent its files since, in a message without the link.
  const unsent = held.attachmentIds.length > 0 ? await tx.attachment.count({ where: { id: { in: held.attachmentIds }, messageId: null } }) : 0;
  if (unsent < held.attachmentIds.length) throw new AppError('conflict', 'Its files were sent in another message since; discard it instead.');
  // Its reply and files go with it: the files were kept unsent (and safe from the sweep) while it was held.
  return appendMessage(tx, { roomId, sender, clientMsgId: held.clientMsgId, body: held.body, replyToId: held.replyToId ?? undefined, attachmentIds: held.attachmentIds });
}

async function roomStillOpen(tx: Tx, roomId: string, sender: { id: string; handle: string }): Promise<string> {
  const member = await tx.roomMember.findUnique({ where: { roomId_userId: { roomId, userId: sender.id } }, include: { room: { select: { kind: true } } } });
  if (!member) throw new AppError('conflict', `@${sender.handle} is no longer in that conversation; discard it instead.`);
  if (member.room.kind === 'direct') {
    const other = await tx.roomMember.findFirst({ where: { roomId, userId: { not: sender.id } }, select: { userId: true } });
    if (other) await refuseDirect(tx, sender, other.userId);
  } else if (await isClosedGroup(tx, roomId)) {
    throw new AppError('conflict', 'The group is closed (everyone else left); discard it instead.');
  }
  return roomId;
}

async function directRoomFor(tx: Tx, recipientId: string | null, sender: { id: string; handle: string }): Promise<string> {
  const recipient = recipientId ? await tx.user.findUnique({ where: { id: recipientId }, select: { id: true } }) : null;
  if (!recipient) throw new AppError('conflict', 'The recipient no longer exists; discard it instead.');
  await refuseDirect(tx, sender, recipient.id);
  return findOrCreateDirectRoom(tx, sender.id, recipient.id);
}

async function refuseDirect(tx: Tx, sender: { id: string; handle: string }, otherId: string) {
  if ((await tx.user.count({ where: { id: otherId, deletedAt: { not: null } } })) > 0) {
    throw new AppError('conflict', 'The recipient has deleted their account; discard it instead.');
  }
  if (await eitherBlocked(tx, sender.id, otherId)) {
    throw new AppError('conflict', `@${sender.handle} and the recipient have blocked each other since; discard it instead.`);
  }
}
