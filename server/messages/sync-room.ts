import type { Actor } from '../auth/authenticate';
import { recordDelivery } from '../receipts/mark-delivered';
import { requireMember } from '../rooms/require-member';
import { getDb } from '../runtime';
import { messageInclude, toChatMessages } from './chat-message';
import { readMessagePage } from './list-messages';

// Changes come in pages too, so one sync after a long absence stays bounded.
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
  const changed = input.afterVersion === undefined ? { rows: [], hasMore: false } : await readChanges(actor, input.roomId, input.afterSeq, input.afterVersion, version);
  const last = page.messages.at(-1);
  if (last) await recordDelivery(actor, member, last.seq);
  return {
    messages: page.messages,
    changes: await toChatMessages(getDb(), actor.userId, changed.rows),
    lastSeq,
    // Cut short, the changes continue from the last one returned.
    version: changed.hasMore ? changed.rows.at(-1)!.version : version,
    hasMore: page.hasMore || changed.hasMore,
  };
}

async function readChanges(actor: Actor, roomId: string, afterSeq: number, afterVersion: number, upTo: number) {
  const rows = await getDb().message.findMany({
    where: {
      roomId,
      version: { gt: afterVersion, lte: upTo },
      seq: { lte: afterSeq },
      // What people the caller blocked wrote stays hidden from the caller, changed or not.
      sender: { blockedBy: { none: { blockerId: actor.userId } } },
    },
    orderBy: { version: 'asc' },
    take: MAX_CHANGES + 1,
    include: messageInclude,
  });
  return { rows: rows.slice(0, MAX_CHANGES), hasMore: rows.length > MAX_CHANGES };
}
