import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import type { Prisma } from '../db/generated/client';
import { eitherBlocked } from '../safety/block-relations';
import { containsLink, linksIn } from '../safety/check-content';
import { hasModerator, linkHoldApplies } from '../safety/link-holds';
import { limitSending } from '../safety/rate-limits';
import { getDb, getRuntime } from '../runtime';

/** The refusal of a direct message, by why it cannot go. */
export const messagingRefusal = (other: { handle: string; deletedAt: Date | null } | undefined) =>
  new AppError('forbidden', other?.deletedAt ? 'This account was deleted: it cannot be messaged.' : `You cannot message @${other?.handle ?? 'them'}.`);

/** Refuses a direct message between two people when either has blocked the other, or to a deleted account. */
export async function assertMayMessage(db: DbClient, actor: Actor, otherUserId: string | undefined) {
  if (!otherUserId) return;
  const other = await db.user.findUnique({ where: { id: otherUserId }, select: { handle: true, deletedAt: true } });
  if (other?.deletedAt || (await eitherBlocked(db, actor.userId, otherUserId))) throw messagingRefusal(other ?? undefined);
}

/**
 * The checks a message on the careful path passes after the content rules (checkContent, already
 * applied to `text`): the sender's rate limit, then the spam rule for links where it applies
 * (safety/link-holds.ts). Returns the body to store; a suspicious one is held for a moderator, or,
 * with no moderator to decide it, stored with `linksHeld` (recipients see its links as plain text).
 */
export async function vetMessage(
  db: DbClient,
  actor: Actor,
  target: { roomId?: string; recipientId?: string },
  clientMsgId: string,
  text: string,
  extras: { replyToId?: string; attachmentIds?: string[] } = {},
): Promise<{ body: string; linksHeld: boolean }> {
  const { env } = getRuntime();
  await limitSending(actor.userId);
  const pass = { body: text, linksHeld: false };
  if (!containsLink(text)) return pass;
  const sameTarget = heldCopiesOf(target);
  // A moderator's discard is final: asked again (a client checking after a reload), it is refused, not held anew.
  if ((await db.heldMessage.count({ where: { senderId: actor.userId, clientMsgId, ...sameTarget, status: 'discarded' } })) > 0) throw discardedByModerator();
  // A retry of a message still held (a lost ack, the outbox resending) gets the same answer, not a second
  // copy, even where the rule would no longer hold it (the request accepted since): a moderator decides it.
  if ((await db.heldMessage.count({ where: { senderId: actor.userId, clientMsgId, ...sameTarget, status: 'held' } })) > 0) throw heldForReview();
  if (!(await linkHoldApplies(db, actor.userId, target.roomId, env.SPAM_LINK_RECENT_JOIN_MS))) return pass;
  const reason = await linkSuspicion(actor);
  if (!reason) return pass;
  if (!(await hasModerator(db))) return { body: text, linksHeld: true };
  await getDb().$transaction(async (tx) => {
    // Two copies racing (two tabs, socket and REST) queue here, and the second finds the first.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`held:${actor.userId}:${clientMsgId}`}))`;
    if ((await tx.heldMessage.count({ where: { senderId: actor.userId, clientMsgId, ...sameTarget } })) > 0) return;
    await tx.heldMessage.create({
      data: { ...target, senderId: actor.userId, clientMsgId, body: text, replyToId: extras.replyToId, attachmentIds: extras.attachmentIds ?? [], reason },
    });
  });
  throw heldForReview();
}

/**
 * Where a held copy of this message is filed: under its room, or, for a first direct message, under its
 * recipient (no room existed yet). Once the direct room exists, a copy held before it is still this
 * message: a resend neither queues it again nor escapes a moderator's discard. `recipientId`: the other
 * person of a direct conversation, whether or not its room exists.
 */
function heldCopiesOf(target: { roomId?: string; recipientId?: string }): Prisma.HeldMessageWhereInput {
  if (target.roomId === undefined) return { recipientId: target.recipientId ?? null };
  return target.recipientId ? { OR: [{ roomId: target.roomId }, { roomId: null, recipientId: target.recipientId }] } : { roomId: target.roomId };
}

/** Why links from this sender are suspect where the link rule applies (a new account, too many this hour), or null. */
async function linkSuspicion(actor: Actor): Promise<'link from a new account' | 'too many links' | null> {
  const { env, buckets } = getRuntime();
  if (Date.now() - actor.createdAt.getTime() < env.SPAM_LINK_MIN_ACCOUNT_AGE_MS) return 'link from a new account';
  const bucket = { ratePerMs: env.SPAM_MAX_LINKS_PER_HOUR / 3_600_000, burst: env.SPAM_MAX_LINKS_PER_HOUR };
  return (await buckets.take(`links:${actor.userId}`, bucket)).allowed ? null : 'too many links';
}

/**
 * The link rule for an edit, as vetMessage applies it to a send: links the edit adds (not those already
 * there), where a send with them would be held, are refused, since an edit is never held (people have
 * the message already); with no moderator to decide, the message is marked `linksHeld` instead, as such
 * a send is. Returns whether to mark it.
 */
export async function vetEditLinks(db: DbClient, actor: Actor, roomId: string, before: string, after: string): Promise<boolean> {
  const had = new Set(linksIn(before));
  if (!linksIn(after).some((link) => !had.has(link))) return false;
  if (!(await linkHoldApplies(db, actor.userId, roomId, getRuntime().env.SPAM_LINK_RECENT_JOIN_MS))) return false;
  const reason = await linkSuspicion(actor);
  if (!reason) return false;
  if (!(await hasModerator(db))) return true;
  throw new AppError(
    'forbidden',
    reason === 'link from a new account' ? 'New accounts cannot add links by editing here.' : 'Too many links this hour: links cannot be added by editing now.',
  );
}

const discardedByModerator = () => new AppError('forbidden', 'Not sent: a moderator removed this message.');
const heldForReview = () => new AppError('held_for_review', 'Your message contains a link and is held for review by a moderator.');
