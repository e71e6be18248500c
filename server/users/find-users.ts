import { AppError } from '@/lib/errors';
import type { DbClient } from '../db/client-types';

/** Looks handles up, failing with one clear error naming any that do not exist. */
export async function findUsersByHandle(db: DbClient, handles: string[]) {
  const unique = [...new Set(handles)];
  const users = await db.user.findMany({ where: { handle: { in: unique } }, select: { id: true, handle: true, displayName: true } });
  const missing = unique.filter((handle) => !users.some((user) => user.handle === handle));
  if (missing.length) throw new AppError('not_found', `No user ${missing.map((handle) => `"${handle}"`).join(', ')}.`);
  return users;
}
