import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { createGroupSchema } from '@/lib/schemas';
import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { eitherBlocked } from '../safety/block-relations';
import { appendSystemMessage } from '../messages/append-message';
import { getRoomSummary } from '../rooms/list-rooms';
import { getBroadcaster, getDb } from '../runtime';
import { findUsersByHandle } from '../users/find-users';

/** Creates a group owned by the caller with the given members; the creation shows as a system event. */
export async function createGroup(actor: Actor, input: z.infer<typeof createGroupSchema>) {
  const db = getDb();
  const others = (await findUsersByHandle(db, input.members)).filter((user) => user.id !== actor.userId);
  for (const user of others) {
    if (await eitherBlocked(db, actor.userId, user.id)) throw new AppError('forbidden', `You cannot add @${user.handle}.`);
  }
  const roomId = randomUUID();
  const memberIds = [actor.userId, ...others.map((user) => user.id)];
  const system = await db.$transaction(async (tx) => {
    await tx.room.create({ data: { id: roomId, kind: 'group', name: input.name, ownerId: actor.userId } });
    await tx.roomMember.createMany({ data: memberIds.map((userId) => ({ roomId, userId })) });
    const added = others.map((user) => user.displayName).join(', ');
    const body = `${actor.displayName} created the group "${input.name}"${added ? ` with ${added}` : ''}`;
    return appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, body);
  });
  const broadcaster = getBroadcaster();
  broadcaster.toUsers(memberIds, 'room:updated', { roomId });
  broadcaster.toUsers(memberIds, 'message:new', { message: system });
  return getRoomSummary(actor, roomId);
}
