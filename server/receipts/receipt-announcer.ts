import type { Receipt } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import type { TransactionScript } from '../db/transaction-script';
import { log } from '../ops/logger';
import type { Broadcaster } from '../realtime/broadcaster';
import { receiptAudience } from '../safety/visibility';

/**
 * A cursor that moved: whose (for the audience), under which handle, which kind, from where (exclusive:
 * the cursor before the move) and to where.
 */
export type Announcement = { member: { roomId: string; userId: string; request: string | null }; reader: string; kind: Receipt['kind']; from: number; seq: number };

type Window = { sentSeq: number; latest: Announcement | null };

export type AnnouncerOptions = { windowMs: number; toAllMaxMembers: number };

/**
 * Tells the other members that a cursor moved, at most once per (room, reader, kind) per window: the
 * first receipt goes at once (leading edge); those within the window merge into the highest, sent at
 * its end (trailing edge), so the final value always arrives. A reader moving through a busy room then
 * costs each member a few receipts a second, not one per message. Each node keeps its own windows.
 * Who is told is visibility's receiptAudience: in a big group, only the senders the move covers.
 */
export class ReceiptAnnouncer {
  private windows = new Map<string, Window>();

  constructor(private readonly deps: { db: DbClient; broadcaster: Broadcaster; script?: TransactionScript | null }, private readonly options: AnnouncerOptions) {}

  announce(announcement: Announcement): void {
    const key = `${announcement.member.roomId}\n${announcement.member.userId}\n${announcement.kind}`;
    const open = this.windows.get(key);
    if (!open) return this.send(key, announcement);
    // Reports of one move from several tabs or batches: only a higher seq is news. The merged receipt
    // covers every move merged into it, from the lowest cursor any of them started at.
    const latest = open.latest;
    const from = Math.min(announcement.from, latest?.from ?? announcement.from);
    if (announcement.seq > Math.max(open.sentSeq, latest?.seq ?? 0)) open.latest = { ...announcement, from };
    else if (latest) latest.from = from;
  }

  private send(key: string, announcement: Announcement) {
    this.windows.set(key, { sentSeq: announcement.seq, latest: null });
    setTimeout(() => {
      const latest = this.windows.get(key)?.latest;
      this.windows.delete(key);
      if (latest) this.send(key, latest);
    }, this.options.windowMs).unref();
    const { member, reader, kind, from, seq } = announcement;
    // The audience is read when the receipt goes, so a trailing one follows the roster as it is then.
    receiptAudience(this.deps.db, { ...member, fromSeq: from, toSeq: seq }, this.options.toAllMaxMembers, this.deps.script)
      .then((audience) => this.deps.broadcaster.toUsers(audience, 'receipt', { roomId: member.roomId, reader, seq, kind }))
      .catch((error: unknown) => log().warn({ err: error instanceof Error ? error.message : String(error) }, 'a receipt could not be sent'));
  }
}
