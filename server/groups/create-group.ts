import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { createGroupSchema } from '@/lib/schemas';
import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { groupEntry } from '../safety/visibility';
import { appendSystemMessage } from '../messages/append-message';
import { getRoomSummary } from '../rooms/list-rooms';
import { getBroadcaster, getDb } from '../runtime';
import { findUsersByHandle } from '../users/find-users';

/**
 * Creates a group owned by the caller; the creation shows as a system event. People the caller shares
 * an accepted conversation with become members; anyone else is invited (safety/visibility.ts, rule 4).
 */
export async function createGroup(actor: Actor, input: z.infer<typeof createGroupSchema>) {
  const db = getDb();
  const users = (await findUsersByHandle(db, input.members)).filter((user) => user.id !== actor.userId);
  const others: typeof users = [];
  const invited: typeof users = [];
  for (const user of users) {
    const entry = await groupEntry(db, actor.userId, user.id);
    if (entry === 'refused') throw new AppError('forbidden', `You cannot add @${user.handle}.`);
    (entry === 'member' ? others : invited).push(user);
  }
  const roomId = randomUUID();
  const memberIds = [actor.userId, ...others.map((user) => user.id)];
  const system = await db.$transaction(async (tx) => {
    await tx.room.create({ data: { id: roomId, kind: 'group', name: input.name, ownerId: actor.userId } });
    await tx.roomMember.createMany({ data: memberIds.map((userId) => ({ roomId, userId })) });
    await tx.groupInvite.createMany({ data: invited.map((user) => ({ roomId, userId: user.id, inviterId: actor.userId })) });
    const added = others.map((user) => user.displayName).join(', ');
    const body = `${actor.displayName} created the group "${input.name}"${added ? ` with ${added}` : ''}`;
    return appendSystemMessage(tx, roomId, { id: actor.userId, handle: actor.handle }, body);
  });
  const broadcaster = getBroadcaster();
  broadcaster.toUsers([...memberIds, ...invited.map((user) => user.id)], 'room:updated', { roomId });
  broadcaster.toUsers(memberIds, 'message:new', { message: system });
  return getRoomSummary(actor, roomId);
}
