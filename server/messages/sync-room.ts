import type { Actor } from '../auth/authenticate';
import { recordDelivery } from '../receipts/mark-delivered';
import { requireMember } from '../rooms/require-member';
import { readMessagePage } from './list-messages';

/**
 * Catch-up after a reconnect: everything after `afterSeq`, oldest first, in pages. The room's
 * lastSeq is read before the page and bounds it, so when hasMore is false the caller holds every
 * message up to lastSeq: a message committed meanwhile comes live or in the next sync, never
 * falls between. What a sync returns has reached one of the caller's sessions: it counts as delivered.
 */
export async function syncRoom(actor: Actor, input: { roomId: string; afterSeq: number; limit?: number }) {
  // One membership read serves the check, the page's bound and the delivery receipt.
  const member = await requireMember(actor, input.roomId);
  const lastSeq = member.room.lastSeq;
  const page = await readMessagePage(actor, input.roomId, { afterSeq: input.afterSeq, beforeSeq: lastSeq + 1, limit: input.limit ?? 200 });
  const last = page.messages.at(-1);
  if (last) await recordDelivery(actor, member, last.seq);
  return { messages: page.messages, lastSeq, hasMore: page.hasMore };
}
