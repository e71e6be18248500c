import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { PrismaClient } from '../db/generated/client';
import { appendSystemMessage } from '../messages/append-message';
import type { Broadcaster } from '../realtime/broadcaster';
import { getRoomSummary } from '../rooms/list-rooms';
import { roomMemberIds } from '../rooms/room-members';
import { messageAudience } from '../safety/visibility';
import { lockGroup } from './lock-group';

export type RenameGroupDeps = { db: PrismaClient; broadcaster: Broadcaster };

/**
 * The owner renames a group; the change shows as a system event and every member's list refreshes.
 * Renaming to the current name changes nothing and says nothing. Returns the room as GET /rooms lists it.
 */
export async function renameGroup(deps: RenameGroupDeps, actor: Actor, roomId: string, name: string) {
  const { db, broadcaster } = deps;
  // Under the group's lock: a rename and an owner handover cannot interleave.
  const system = await db.$transaction(async (tx) => {
    const group = await lockGroup(tx, roomId, actor.userId);
    if (group.ownerId !== actor.userId) throw new AppError('forbidden', 'Only the group owner can rename the group.');
    if (group.name === name) return null;
    await tx.room.update({ where: { id: roomId }, data: { name } });
    return appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, `${actor.displayName} renamed the group to "${name}"`);
  });
  if (system) {
    broadcaster.toUsers(await roomMemberIds(db, roomId), 'room:updated', { roomId });
    broadcaster.toUsers(await messageAudience(db, roomId, actor.userId), 'message:new', { message: system });
  }
  return getRoomSummary(actor, roomId);
}
