import { AppError } from '@/lib/errors';
import { shorten } from '@/lib/text-rules';
import type { Actor } from '../auth/authenticate';
import { getDb } from '../runtime';
import { findUsersByHandle } from '../users/find-users';
import { createGroup } from './create-group';
import { toPublicUser } from '../users/public-user';

/**
 * Adding a third person to a direct conversation starts a new group with all three, named after
 * them; the direct conversation and its history stay as they are, private to the two. A conversation
 * still at the request stage cannot grow: that would put its recipient in a group without consent.
 */
export async function growDirectRoom(actor: Actor, directRoomId: string, handle: string) {
  const db = getDb();
  const [newcomer] = await findUsersByHandle(db, [handle]);
  const members = await db.roomMember.findMany({
    where: { roomId: directRoomId },
    include: { user: { select: { id: true, handle: true, displayName: true } } },
  });
  if (members.some((member) => member.userId === newcomer.id)) {
    throw new AppError('conflict', `@${handle} is already in this conversation.`);
  }
  if (members.some((member) => member.request !== null)) {
    throw new AppError('forbidden', 'This conversation is still a message request: it can become a group once accepted.');
  }
  const other = members.find((member) => member.userId !== actor.userId)!.user;
  const name = shorten([actor.displayName, other.displayName, newcomer.displayName].join(', '), 80);
  const room = await createGroup(actor, { name, members: [other.handle, newcomer.handle] });
  const invited = !room.members.some((member) => member.handle === newcomer.handle);
  return { user: toPublicUser(newcomer), room, ...(invited && { invited: true }) };
}
