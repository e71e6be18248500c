import type { DbClient } from '../db/client-types';
import { messageAudience } from '../safety/visibility';
import { getBroadcaster } from '../runtime';
import { hasOwnView, loadDetails, messageInclude, toView } from './chat-message';

/**
 * Pushes `message:updated` with each message's current state to whoever may see it (the members but
 * those who blocked its sender). A view differs only for those who reacted (their own handle comes
 * first) or blocked a reactor (whose reaction they do not see): they each get their own copy and
 * everyone else shares one.
 */
export async function publishUpdates(db: DbClient, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = await db.message.findMany({ where: { id: { in: messageIds } }, include: messageInclude, orderBy: { seq: 'asc' } });
  const audiences = await Promise.all(rows.map((row) => messageAudience(db, row.roomId, row.senderId)));
  const details = await loadDetails(db, rows, { viewers: [...new Set(audiences.flat())] });
  const broadcaster = getBroadcaster();
  for (const [index, row] of rows.entries()) {
    const [own, shared] = partition(audiences[index], (userId) => hasOwnView(details, row, userId));
    for (const userId of own) broadcaster.toUsers([userId], 'message:updated', { message: toView(row, details, userId) });
    broadcaster.toUsers(shared, 'message:updated', { message: toView(row, details, null) });
  }
}

const partition = <T>(items: T[], test: (item: T) => boolean): [T[], T[]] => [items.filter(test), items.filter((item) => !test(item))];
