import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';

/** The caller's membership of a group: 404 for non-members (and for direct rooms). */
export async function requireGroupMember(actor: Actor, roomId: string) {
  const member = await requireMember(actor, roomId);
  if (member.room.kind !== 'group') throw new AppError('not_found', 'No such group.');
  return member;
}
