import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { publishUpdates } from '../messages/publish-updates';
import { lockRoom, recordChange } from '../messages/record-change';
import { roomMemberIds } from '../rooms/room-members';
import { getBroadcaster, getDb } from '../runtime';
import { earlierTexts } from './earlier-texts';
import { recordAudit } from './record-audit';
import { requireAdmin } from './require-admin';

/**
 * Removes a message for everyone: the body is erased, the row stays as a "message removed" marker
 * (so seqs stay gapless), its open reports are resolved, and every member sees it go live. The
 * removed text and its earlier texts (if edited) stay in the audit entry (admins only), so the
 * evidence outlives the message.
 */
export async function deleteMessage(actor: Actor, messageId: string, reason: string) {
  requireAdmin(actor);
  const db = getDb();
  const message = await db.$transaction(async (tx) => {
    const room = await tx.message.findUnique({ where: { id: messageId }, select: { roomId: true } });
    // The room first, as every change does (record-change.ts), so versions commit in order.
    if (room) await lockRoom(tx, room.roomId);
    const found = await tx.message.findUnique({ where: { id: messageId }, select: { id: true, roomId: true, kind: true, body: true, deletedAt: true, sender: { select: { handle: true } } } });
    // Claimed with a condition, so of two moderators deleting at once only one acts and is audited.
    const claimed = found && !found.deletedAt ? await tx.message.updateMany({ where: { id: messageId, deletedAt: null }, data: { deletedAt: new Date(), deletedBy: 'moderator', body: '', mentions: [] } }) : null;
    if (!found || !claimed?.count) throw new AppError('not_found', 'No such message.');
    const changed = await recordChange(tx, found.roomId, messageId, { quotes: true });
    await tx.reaction.deleteMany({ where: { messageId } });
    await tx.report.updateMany({ where: { messageId, status: 'open' }, data: { status: 'resolved', resolvedAt: new Date(), resolvedById: actor.userId } });
    // An edited message's earlier texts too: what was reported may be one of them, not the last text.
    const history = await earlierTexts(tx, messageId);
    // A group event (a rename can carry an abusive name) is removable too; the log says it was one.
    const details = { roomId: found.roomId, sender: found.sender.handle, body: found.body, ...(found.kind === 'system' && { kind: 'system' }), ...(history.length > 0 && { history }) };
    await recordAudit(tx, actor, { action: 'message.delete', targetType: 'message', targetId: messageId, reason, details });
    return { ...found, changed };
  });
  getBroadcaster().toUsers(await roomMemberIds(db, message.roomId), 'message:deleted', { roomId: message.roomId, messageId });
  // Besides its own event, the removed message's new state (deletedBy, version) and the replies quoting it.
  await publishUpdates(db, message.changed);
  return { ok: true };
}
