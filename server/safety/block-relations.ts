import type { DbClient } from '../db/client-types';

/** Whether either of the two has blocked the other. */
export async function eitherBlocked(db: DbClient, a: string, b: string): Promise<boolean> {
  const block = await db.block.findFirst({
    where: { OR: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] },
    select: { blockerId: true },
  });
  return block !== null;
}

/** Whether `blocker` has blocked `blocked`. */
export async function hasBlocked(db: DbClient, blocker: string, blocked: string): Promise<boolean> {
  return (await db.block.count({ where: { blockerId: blocker, blockedId: blocked } })) > 0;
}

/** Everyone the user has blocked or been blocked by: they see nothing of each other. */
export async function blockedEitherWay(db: DbClient, userId: string): Promise<Set<string>> {
  const rows = await db.block.findMany({
    where: { OR: [{ blockerId: userId }, { blockedId: userId }] },
    select: { blockerId: true, blockedId: true },
  });
  return new Set(rows.map((row) => (row.blockerId === userId ? row.blockedId : row.blockerId)));
}
