import { AppError } from '@/lib/errors';
import type { DbClient } from '../db/client-types';
import { publicUserSelect } from './public-user';

/** Looks handles up, in the order given, failing with one clear error naming any that do not exist. */
export async function findUsersByHandle(db: DbClient, handles: string[]) {
  const unique = [...new Set(handles)];
  const users = await db.user.findMany({ where: { handle: { in: unique } }, select: { id: true, ...publicUserSelect } });
  const missing = unique.filter((handle) => !users.some((user) => user.handle === handle));
  if (missing.length) throw new AppError('not_found', `No user ${missing.map((handle) => `"${handle}"`).join(', ')}.`);
  // In the order asked for: "created the group with Bob, Carol" reads as the creator listed them.
  return unique.flatMap((handle) => users.filter((user) => user.handle === handle));
}
