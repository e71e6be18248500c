import type { Tx } from '../db/client-types';

/**
 * Locks the room's row first, as the send path does: changes in one room then commit in version
 * order, and a change cannot interleave with a batch of sends into the same room.
 */
export async function lockRoom(tx: Tx, roomId: string) {
  await tx.$executeRaw`SELECT "id" FROM "Room" WHERE "id" = ${roomId} FOR NO KEY UPDATE`;
}

/**
 * Gives the changed message the room's next version, and with `quotes` the replies that quote it
 * too (their quote shows the new text or "deleted"), so a sync's `changes` carries them all.
 * Returns the ids whose state changed. Call after lockRoom, inside the change's transaction.
 */
export async function recordChange(tx: Tx, roomId: string, messageId: string, options: { quotes?: boolean } = {}): Promise<string[]> {
  const [{ version }] = await tx.$queryRaw<{ version: number }[]>`
    UPDATE "Room" SET "version" = "version" + 1 WHERE "id" = ${roomId} RETURNING "version"`;
  const touched = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "Message" SET "version" = ${version}
    WHERE "roomId" = ${roomId} AND ("id" = ${messageId} OR (${options.quotes ?? false} AND "replyToId" = ${messageId}))
    RETURNING "id"`;
  return touched.map((row) => row.id);
}
