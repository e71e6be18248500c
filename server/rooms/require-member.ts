import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';

/** Non-members get the same 404 as for a room that does not exist: no probing for room ids. */
export async function requireMember(actor: Actor, roomId: string) {
  const member = await getDb().roomMember.findUnique({
    where: { roomId_userId: { roomId, userId: actor.userId } },
    include: { room: true },
  });
  if (!member) throw new AppError('not_found', 'No such conversation.');
  return member;
}
