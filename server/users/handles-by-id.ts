import type { DbClient } from '../db/client-types';

/** Maps user ids to handles, so responses name people by handle and never by id. */
export async function handlesById(db: DbClient, userIds: string[]): Promise<Map<string, string>> {
  const users = await db.user.findMany({ where: { id: { in: [...new Set(userIds)] } }, select: { id: true, handle: true } });
  return new Map(users.map((user) => [user.id, user.handle]));
}
