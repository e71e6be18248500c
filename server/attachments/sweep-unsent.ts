import { errorReason } from '../db/errors';
import { log } from '../ops/logger';
import type { AttachmentDeps } from './upload-attachment';
import { thumbKey } from './attachment-storage';

const BATCH = 500;

/**
 * Removes attachments uploaded more than `ttlMs` ago and never sent: rows first, then bytes. Every node
 * may run it at once: the DELETE decides which node removes which row (a row is returned to one only),
 * and one being sent right now is locked by that send and then no longer unsent. Returns how many went.
 */
export async function sweepUnsentAttachments(deps: Pick<AttachmentDeps, 'db' | 'attachments'>, ttlMs: number): Promise<number> {
  // A file waiting with a message held for review is not unsent: it goes out if the message is released.
  const removed = await deps.db.$queryRaw<{ id: string; hasThumb: boolean }[]>`
    DELETE FROM "Attachment" WHERE "id" IN (
      SELECT a."id" FROM "Attachment" a
      WHERE a."messageId" IS NULL AND a."createdAt" < ${new Date(Date.now() - ttlMs)}
        AND NOT EXISTS (SELECT 1 FROM "HeldMessage" h WHERE h."status" = 'held' AND a."id" = ANY(h."attachmentIds"))
      LIMIT ${BATCH}
    ) AND "messageId" IS NULL
    RETURNING "id", "hasThumb"`;
  if (removed.length === 0) return 0;
  // A node that dies between the two steps leaves bytes with no row: never served, since serving needs the row.
  await deps.attachments.remove(removed.flatMap((row) => (row.hasThumb ? [row.id, thumbKey(row.id)] : [row.id])));
  return removed.length;
}

/** Runs the sweep every so often (a fraction of the TTL, at most every 10 minutes) until stopped. */
export function startAttachmentSweep(deps: Pick<AttachmentDeps, 'db' | 'attachments'>, ttlMs: number): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepUnsentAttachments(deps, ttlMs);
    } catch (error) {
      log().error({ err: errorReason(error) }, 'attachment sweep failed');
    } finally {
      running = false;
    }
  }, Math.min(Math.max(ttlMs / 4, 100), 10 * 60 * 1000));
  timer.unref();
  return () => clearInterval(timer);
}
