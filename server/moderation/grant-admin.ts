import type { PrismaClient } from '../db/generated/client';
import { log } from '../ops/logger';

/** The handles listed in RELAY_ADMINS, as stored (trimmed, lower case). */
export const listedAdmins = (handles: string) => handles.split(',').map((handle) => handle.trim().toLowerCase()).filter(Boolean);

/**
 * Makes the listed handles admins, if those accounts exist now. Used at start with RELAY_ADMINS
 * and by `npm run admin`. A listed handle with no account yet is warned about loudly: whoever
 * signs up under it first becomes admin (see createUser).
 */
export async function grantAdmins(db: PrismaClient, handles: string, warn = warnUnknownAdmins): Promise<string[]> {
  const wanted = listedAdmins(handles);
  if (wanted.length === 0) return [];
  // A deleted account is no account: never made an admin (it is reported as missing).
  await db.user.updateMany({ where: { handle: { in: wanted }, deletedAt: null }, data: { role: 'admin' } });
  const found = await db.user.findMany({ where: { handle: { in: wanted }, role: 'admin' }, select: { handle: true } });
  const missing = wanted.filter((handle) => !found.some((user) => user.handle === handle));
  if (missing.length) warn(missing);
  return found.map((user) => user.handle);
}

const warnUnknownAdmins = (handles: string[]) =>
  log().warn(
    { handles },
    'RELAY_ADMINS lists handles with no account yet: whoever signs up under one first becomes an admin. ' +
      'Sign up under it now, or remove it and use `npm run admin -- grant <handle>` once the account exists.',
  );
