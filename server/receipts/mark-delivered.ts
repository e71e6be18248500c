import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { activityAudience } from '../safety/visibility';
import { advanceCursor } from './advance-cursor';

type Membership = Awaited<ReturnType<typeof requireMember>>;

/** Records that one of the caller's sessions has received the room up to `seq`; tells the others. */
export async function markDelivered(actor: Actor, roomId: string, seq: number): Promise<void> {
  await recordDelivery(actor, await requireMember(actor, roomId), seq);
}

/** The same for a caller whose membership was just read (a sync), so it is not read again. */
export async function recordDelivery(actor: Actor, member: Membership, seq: number): Promise<void> {
  // A message request not yet accepted: a "delivered" would tell the stranger the recipient is online.
  if (member.request !== null) return;
  const db = getDb();
  const target = Math.min(seq, member.room.lastSeq);
  if (!(await advanceCursor(db, member.roomId, actor.userId, 'deliveredSeq', target))) return;
  const others = await activityAudience(db, member);
  getBroadcaster().toUsers(others, 'receipt', { roomId: member.roomId, reader: actor.handle, seq: target, kind: 'delivered' });
}
