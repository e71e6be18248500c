import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { activityAudience } from '../safety/visibility';
import { countUnread } from './count-unread';
import { advanceCursor } from './advance-cursor';

/**
 * Moves the caller's read cursor forward (never back, never past the last message), tells the
 * other members, and pushes the new unread count to every session of the caller.
 */
export async function markRead(actor: Actor, roomId: string, seq: number): Promise<{ unread: number }> {
  const member = await requireMember(actor, roomId);
  const db = getDb();
  const target = Math.min(seq, member.room.lastSeq);
  const moved = await advanceCursor(db, roomId, actor.userId, 'readSeq', target);
  const unread = await countUnread(db, actor.userId, roomId);
  const broadcaster = getBroadcaster();
  // The caller's own unread count still follows; a stranger whose request is not accepted is not told.
  if (moved) broadcaster.toUsers(await activityAudience(db, member), 'receipt', { roomId, reader: actor.handle, seq: target, kind: 'read' });
  broadcaster.toUsers([actor.userId], 'unread', { roomId, count: unread });
  return { unread };
}
