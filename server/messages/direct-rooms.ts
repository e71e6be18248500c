import { randomUUID } from 'node:crypto';
import type { DbClient, Tx } from '../db/client-types';

const directKey = (a: string, b: string) => [a, b].sort().join(':');

export async function directRoomId(db: DbClient, a: string, b: string): Promise<string | null> {
  const room = await db.room.findUnique({ where: { directKey: directKey(a, b) }, select: { id: true } });
  return room?.id ?? null;
}

/**
 * Creates the direct room for a first message. ON CONFLICT makes two first messages racing from
 * both sides end up in one room. If the two share no group, the recipient gets it as a request.
 */
export async function findOrCreateDirectRoom(tx: Tx, senderId: string, recipientId: string): Promise<string> {
  const key = directKey(senderId, recipientId);
  await tx.$executeRaw`INSERT INTO "Room" ("id", "kind", "directKey") VALUES (${randomUUID()}, 'direct', ${key})
    ON CONFLICT ("directKey") DO NOTHING`;
  const room = await tx.room.findUniqueOrThrow({ where: { directKey: key }, select: { id: true } });
  const sharedGroup = await tx.room.count({
    where: { kind: 'group', AND: [{ members: { some: { userId: senderId } } }, { members: { some: { userId: recipientId } } }] },
  });
  await tx.roomMember.createMany({
    data: [
      { roomId: room.id, userId: senderId },
      { roomId: room.id, userId: recipientId, request: sharedGroup > 0 ? null : 'pending' },
    ],
    skipDuplicates: true,
  });
  return room.id;
}
