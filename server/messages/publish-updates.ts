import type { DbClient } from '../db/client-types';
import { messageAudience } from '../safety/visibility';
import { getBroadcaster } from '../runtime';
import { loadDetails, messageInclude, reactorIds, toView } from './chat-message';

/**
 * Pushes `message:updated` with each message's current state to whoever may see it (the members but
 * those who blocked its sender). A view differs only for those who reacted (their own handle comes
 * first), so they each get their own copy and everyone else shares one: 1 + reactors emits per message.
 */
export async function publishUpdates(db: DbClient, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = await db.message.findMany({ where: { id: { in: messageIds } }, include: messageInclude, orderBy: { seq: 'asc' } });
  const details = await loadDetails(db, rows);
  const broadcaster = getBroadcaster();
  for (const row of rows) {
    const audience = await messageAudience(db, row.roomId, row.senderId);
    const reactors = new Set(reactorIds(details, row.id));
    for (const userId of audience.filter((id) => reactors.has(id))) {
      broadcaster.toUsers([userId], 'message:updated', { message: toView(row, details, userId) });
    }
    broadcaster.toUsers(audience.filter((id) => !reactors.has(id)), 'message:updated', { message: toView(row, details, null) });
  }
}
