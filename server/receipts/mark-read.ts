import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getRuntime } from '../runtime';

/**
 * Moves the caller's read cursor forward (never back, never past the last message), tells the
 * other members, and pushes the new unread count to every session of the caller.
 */
export async function markRead(actor: Actor, roomId: string, seq: number): Promise<{ unread: number }> {
  const { broadcaster, receipts } = getRuntime();
  const change = await receipts.queue.advance({ roomId, userId: actor.userId, kind: 'read', seq });
  // Non-members get the same 404 as for a room that does not exist: no probing for room ids.
  if (!change) throw new AppError('not_found', 'No such conversation.');
  // The audience rules (receiptAudience) leave out a stranger whose request is not accepted.
  if (change.read !== null) receipts.announcer.announce({ member: change.member, reader: actor.handle, kind: 'read', from: change.readFrom, seq: change.read });
  // Counted in the batch that moved the cursor, against that cursor: the client keeps the highest it has
  // seen, so a room list counted against an older one cannot bring the read messages back.
  const unread = change.unread ?? 0;
  broadcaster.toUsers([actor.userId], 'unread', { roomId, count: unread, readSeq: change.readSeq, mentions: change.mentions ?? 0 });
  return { unread };
}
