import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getRuntime } from '../runtime';

/** Records that one of the caller's sessions has received the room up to `seq`; tells the others. */
export async function markDelivered(actor: Actor, roomId: string, seq: number): Promise<void> {
  // Non-members get the same 404 as for a room that does not exist: no probing for room ids.
  if (!(await recordDelivery(actor, { roomId }, seq))) throw new AppError('not_found', 'No such conversation.');
}

/**
 * The same for a caller whose membership was just read (a sync); false when they are not a member.
 * The batch statement applies the rules (never back, never past the last message, no delivery for a
 * message request not yet accepted), so the caller's copy of the membership is not needed here.
 */
export async function recordDelivery(actor: Actor, member: { roomId: string }, seq: number): Promise<boolean> {
  const { queue, announcer } = getRuntime().receipts;
  const change = await queue.advance({ roomId: member.roomId, userId: actor.userId, kind: 'delivered', seq });
  if (change?.delivered != null) announcer.announce({ member: change.member, reader: actor.handle, kind: 'delivered', from: change.deliveredFrom, seq: change.delivered });
  return change !== null;
}
