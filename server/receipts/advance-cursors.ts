import type { DbClient } from '../db/client-types';
import { Prisma } from '../db/generated/client';
import { type TransactionScript, prepared, queryPrepared } from '../db/transaction-script';
import { unreadForMemberSql } from './count-unread';

/** A session's report that the member has received (`delivered`) or read (`read`) the room up to `seq`. */
export type CursorReport = { roomId: string; userId: string; kind: 'read' | 'delivered'; seq: number };

/** One member's cursors after a batch: what moved (the new value, else null), and who may be told. */
export type CursorChange = {
  member: { roomId: string; userId: string; request: string | null };
  read: number | null;
  /** The read cursor before the batch: a read receipt covers the messages after it. */
  readFrom: number;
  /** The read cursor after the batch, moved or not. */
  readSeq: number;
  /** With a read report in the batch: the member's unread count at `readSeq` (as count-unread.ts counts). */
  unread: number | null;
  /** …and how many of those mention the member. */
  mentions: number | null;
  /** Set only when a delivery report moved the cursor past what a read in the same batch took it to. */
  delivered: number | null;
  /** Where the delivered cursor was before the delivery reports moved it (after the batch's read). */
  deliveredFrom: number;
};

type Row = {
  roomId: string;
  userId: string;
  request: string | null;
  oldRead: number;
  oldDelivered: number;
  readTo: number;
  deliveredTo: number;
  // A count: bigint through Prisma, text through a script (node-postgres reads int8 as text).
  unread: bigint | number | string | null;
  mentions: bigint | number | string | null;
};

export const memberKey = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/**
 * Moves many members' cursors in one statement, forward only (GREATEST), so late or duplicate reports
 * from several tabs cannot move one back, and never past the room's last message. Reading implies
 * delivery, so a read cursor drags the delivered one along. Reports for one member are merged first.
 * Returns the changes by `memberKey`; a report whose member does not exist (not a member, no such
 * room) has no entry. A member who read also gets their unread and mention counts after the move, from the same
 * statement: a read report costs no query of its own. The rows are locked in key order, so two nodes'
 * batches cannot deadlock. With `script` (Postgres) the statement is prepared once per connection and
 * goes in one round trip (transaction-script.ts); planning it anew cost more than running it.
 */
export async function advanceCursors(db: DbClient, reports: CursorReport[], script?: TransactionScript | null): Promise<Map<string, CursorChange>> {
  const rows = await queryPrepared<Row>(db, script, prepared('relay_advance_cursors', cursorStatement(reports)));
  return new Map(rows.map((row) => [memberKey(row.roomId, row.userId), toChange(row)]));
}

function cursorStatement(reports: CursorReport[]): Prisma.Sql {
  const column = <K extends keyof CursorReport>(key: K) => reports.map((report) => report[key]);
  const seqOf = (kind: CursorReport['kind']) => reports.map((report) => (report.kind === kind ? report.seq : 0));
  return Prisma.sql`
    WITH input AS (
      SELECT room_id, user_id, max(read_to) AS read_to, max(delivered_to) AS delivered_to, bool_or(is_read) AS has_read
      FROM unnest(${column('roomId')}::text[], ${column('userId')}::text[], ${seqOf('read')}::int[], ${seqOf('delivered')}::int[],
        ${reports.map((report) => report.kind === 'read')}::boolean[])
        AS t(room_id, user_id, read_to, delivered_to, is_read)
      GROUP BY room_id, user_id
    ), locked AS (
      SELECT rm."roomId", rm."userId", rm."request", rm."readSeq" AS old_read, rm."deliveredSeq" AS old_delivered,
        LEAST(i.read_to, r."lastSeq") AS read_to, i.has_read,
        -- The recipient of a message request not yet accepted records no delivery: it would tell the
        -- stranger that the recipient is online.
        CASE WHEN rm."request" IS NULL THEN LEAST(i.delivered_to, r."lastSeq") ELSE 0 END AS delivered_to
      FROM input i
      JOIN "RoomMember" rm ON rm."roomId" = i.room_id AND rm."userId" = i.user_id
      JOIN "Room" r ON r."id" = rm."roomId"
      ORDER BY rm."roomId", rm."userId"
      FOR NO KEY UPDATE OF rm
    ), moved AS (
      UPDATE "RoomMember" rm
      SET "readSeq" = GREATEST(l.old_read, l.read_to), "deliveredSeq" = GREATEST(l.old_delivered, l.read_to, l.delivered_to)
      FROM locked l
      WHERE rm."roomId" = l."roomId" AND rm."userId" = l."userId" AND (l.read_to > l.old_read OR GREATEST(l.read_to, l.delivered_to) > l.old_delivered)
    )
    SELECT l."roomId", l."userId", l."request", l.old_read AS "oldRead", l.old_delivered AS "oldDelivered", l.read_to AS "readTo",
      l.delivered_to AS "deliveredTo",
      CASE WHEN l.has_read THEN c.unread END AS "unread", CASE WHEN l.has_read THEN c.mentions END AS "mentions"
    FROM locked l
    LEFT JOIN LATERAL (
      SELECT count(*) AS unread, count(*) FILTER (WHERE m."mentions" @> ARRAY[u."handle"]) AS mentions
      FROM "Message" m JOIN "User" u ON u."id" = l."userId"
      WHERE l.has_read AND m."roomId" = l."roomId" AND ${unreadForMemberSql('l."userId"', 'GREATEST(l.old_read, l.read_to)')}
    ) c ON true`;
}

function toChange(row: Row): CursorChange {
  const [oldRead, oldDelivered, readTo, deliveredTo] = [row.oldRead, row.oldDelivered, row.readTo, row.deliveredTo].map(Number);
  return {
    member: { roomId: row.roomId, userId: row.userId, request: row.request },
    read: readTo > oldRead ? readTo : null,
    readFrom: oldRead,
    readSeq: Math.max(oldRead, readTo),
    unread: row.unread === null ? null : Number(row.unread),
    mentions: row.mentions === null ? null : Number(row.mentions),
    delivered: deliveredTo > Math.max(oldDelivered, readTo) ? deliveredTo : null,
    deliveredFrom: Math.max(oldDelivered, readTo),
  };
}
