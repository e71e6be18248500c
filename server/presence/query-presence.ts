import type { PresenceStatus } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { getDb, getPresence } from '../runtime';
import { presenceHiddenFrom } from '../safety/visibility';

/**
 * The status of the given handles, the same audience rule as the pushed events: only people who
 * share an accepted conversation with the caller (and no block) are shown; others read as offline
 * with no last-seen. Unknown handles are left out.
 */
export async function queryPresence(actor: Actor, handles: string[]): Promise<PresenceStatus[]> {
  const users = await getDb().user.findMany({
    where: { handle: { in: [...new Set(handles)] } },
    select: { id: true, handle: true, lastSeenAt: true },
  });
  const hidden = await presenceHiddenFrom(getDb(), actor.userId, users.map((user) => user.id));
  return getPresence().statusOf(users, hidden);
}
