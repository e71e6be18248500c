import { AppError } from '@/lib/errors';
import { parseMentions } from '@/lib/mentions';
import type { ChatMessage } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import type { Tx } from '../db/client-types';
import { Prisma } from '../db/generated/client';
import { getDb, getRuntime } from '../runtime';
import { checkContent } from '../safety/check-content';
import { limitSending } from '../safety/rate-limits';
import { messageInclude, toChatMessages } from './chat-message';
import { findMessageFor, roomOfMessage } from './find-message-for';
import { mentionedMembers } from './message-rules';
import { publishUpdates } from './publish-updates';
import { vetEditLinks } from './send-policy';
import { lockRoom, recordChange } from './record-change';

/**
 * Runs one change to a message: charged to the actor's send rate limit, done in a transaction that
 * locks the room first, then pushed live to every member and returned as the actor sees it.
 * `apply` returns the ids that changed (none: nothing to push).
 */
export async function changeMessage(actor: Actor, messageId: string, apply: (tx: Tx, roomId: string) => Promise<string[]>): Promise<{ message: ChatMessage }> {
  await limitSending(actor.userId);
  const db = getDb();
  const changed = await db.$transaction(async (tx) => {
    const roomId = await roomOfMessage(tx, messageId);
    await lockRoom(tx, roomId);
    return apply(tx, roomId);
  });
  await publishUpdates(db, changed);
  const row = await db.message.findUniqueOrThrow({ where: { id: messageId }, include: messageInclude });
  const [message] = await toChatMessages(db, actor.userId, [row]);
  return { message };
}

/** The sender replaces the text. The previous text is kept for moderators; the content rules apply as for a send. */
export function editMessage(actor: Actor, input: { messageId: string; body: string }) {
  const body = checkContent(input.body, getRuntime().env);
  return changeMessage(actor, input.messageId, async (tx, roomId) => {
    const message = await findMessageFor(tx, actor, input.messageId, 'change');
    if (message.body === body) return [];
    // Links a send would have held cannot be slipped in afterwards (send-policy.ts).
    const linksHeld = await vetEditLinks(tx, actor, roomId, message.body, body);
    const changed = await recordChange(tx, roomId, message.id, { quotes: true });
    await tx.messageEdit.create({ data: { messageId: message.id, body: message.body } });
    await tx.$executeRaw`UPDATE "Message" SET "body" = ${body}, "editedAt" = now(), "linksHeld" = "linksHeld" OR ${linksHeld},
      "mentions" = ${mentionedMembers(Prisma.sql`${roomId}`, Prisma.sql`${parseMentions(body)}::text[]`)}
      WHERE "id" = ${message.id}`;
    return changed;
  });
}

/** The sender deletes: a "message deleted" marker keeps the seq; the text is kept for moderators only. */
export function deleteOwnMessage(actor: Actor, input: { messageId: string }) {
  return changeMessage(actor, input.messageId, async (tx, roomId) => {
    const message = await findMessageFor(tx, actor, input.messageId, 'change');
    const changed = await recordChange(tx, roomId, message.id, { quotes: true });
    await tx.messageEdit.create({ data: { messageId: message.id, body: message.body } });
    await tx.message.update({ where: { id: message.id }, data: { deletedAt: new Date(), deletedBy: 'sender', body: '', mentions: [] } });
    await tx.reaction.deleteMany({ where: { messageId: message.id } });
    return changed;
  });
}

const MAX_DISTINCT_REACTIONS = 20;

export function addReaction(actor: Actor, input: { messageId: string; emoji: string }) {
  return changeMessage(actor, input.messageId, async (tx, roomId) => {
    const message = await findMessageFor(tx, actor, input.messageId, 'react');
    const emojis = await tx.reaction.findMany({ where: { messageId: message.id }, distinct: ['emoji'], select: { emoji: true } });
    if (!emojis.some((row) => row.emoji === input.emoji) && emojis.length >= MAX_DISTINCT_REACTIONS) {
      throw new AppError('conflict', `A message can have at most ${MAX_DISTINCT_REACTIONS} different reactions.`);
    }
    const added = await tx.reaction.createMany({ data: [{ messageId: message.id, userId: actor.userId, emoji: input.emoji }], skipDuplicates: true });
    return added.count ? recordChange(tx, roomId, message.id) : [];
  });
}

export function removeReaction(actor: Actor, input: { messageId: string; emoji: string }) {
  return changeMessage(actor, input.messageId, async (tx, roomId) => {
    const message = await findMessageFor(tx, actor, input.messageId, 'react');
    const removed = await tx.reaction.deleteMany({ where: { messageId: message.id, userId: actor.userId, emoji: input.emoji } });
    return removed.count ? recordChange(tx, roomId, message.id) : [];
  });
}
