import type { Actor } from '../auth/authenticate';
import { recordDelivery } from '../receipts/mark-delivered';
import { requireMember } from '../rooms/require-member';
import { getDb } from '../runtime';
import { messageInclude, toChatMessages } from './chat-message';
import { readMessagePage } from './list-messages';

// Changes come in pages too, so one sync after a long absence stays bounded (but for one change's many quotes).
const MAX_CHANGES = 1000;

/**
 * Catch-up after a reconnect: everything after `afterSeq`, oldest first, in pages. The room's
 * lastSeq and version are read (one row, one snapshot) before the page and bound it, so when hasMore
 * is false the caller holds every message up to lastSeq: a message committed meanwhile comes live or
 * in the next sync, never falls between. What a sync returns has reached one of the caller's
 * sessions: it counts as delivered.
 *
 * With `afterVersion`, `changes` also holds the current state of the messages up to afterSeq that
 * changed after that version (edits, deletes, reactions, quotes), read through the (roomId, version)
 * index. A change committed after `version` was read has a greater version: the next sync brings it.
 */
export async function syncRoom(actor: Actor, input: { roomId: string; afterSeq: number; afterVersion?: number; limit?: number }) {
  // One membership read serves the check, the page's bounds and the delivery receipt.
  const member = await requireMember(actor, input.roomId);
  const { lastSeq, version } = member.room;
  const page = await readMessagePage(actor, input.roomId, { afterSeq: input.afterSeq, beforeSeq: lastSeq + 1, limit: input.limit ?? 200 });
  const changed = input.afterVersion === undefined ? { rows: [], hasMore: false, through: version } : await readChanges(actor, input.roomId, input.afterSeq, input.afterVersion, version);
  const last = page.messages.at(-1);
  if (last) await recordDelivery(actor, member, last.seq);
  return {
    messages: page.messages,
    changes: await toChatMessages(getDb(), actor.userId, changed.rows),
    lastSeq,
    // The version the returned changes are complete through (the room's, unless the changes were cut short).
    version: changed.through,
    hasMore: page.hasMore || changed.hasMore,
  };
}

async function readChanges(actor: Actor, roomId: string, afterSeq: number, afterVersion: number, upTo: number) {
  const where = {
    roomId,
    seq: { lte: afterSeq },
    // What people the caller blocked wrote stays hidden from the caller, changed or not.
    sender: { blockedBy: { none: { blockerId: actor.userId } } },
  };
  const read = (version: { gt: number; lte: number } | number, take?: number) =>
    getDb().message.findMany({ where: { ...where, version }, orderBy: [{ version: 'asc' }, { seq: 'asc' }], take, include: messageInclude });
  const rows = await read({ gt: afterVersion, lte: upTo }, MAX_CHANGES + 1);
  if (rows.length <= MAX_CHANGES) return { rows, hasMore: false, through: upTo };
  // An edit or delete gives the message and every reply quoting it one version, and the next page
  // starts after the last version returned: a page ends between two versions, never inside one.
  const cut = rows[MAX_CHANGES].version;
  const whole = rows.filter((row) => row.version < cut);
  if (whole.length > 0) return { rows: whole, hasMore: true, through: whole.at(-1)!.version };
  // A single version with more than a page of messages comes whole, as one page (rows changed again
  // since the first read have a later version, and come on a later page).
  return { rows: await read(cut), hasMore: true, through: cut };
}
