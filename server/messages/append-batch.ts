import type { AttachmentRow } from '../attachments/attachment-info';
import { linkAttachments, readAttachments } from '../attachments/link-attachments';
import { Prisma, type PrismaClient } from '../db/generated/client';
import { blockedEitherWaySql, notBlockedBySql, sqlColumn } from '../safety/visibility';
import { type TransactionScript, prepared } from '../db/transaction-script';
import { mentionedMembers, replyTargetMissing } from './message-rules';

export type AppendRequest = {
  id: string;
  roomId: string;
  senderId: string;
  clientMsgId: string;
  body: string;
  replyToId?: string;
  /** The handles the body names with @ (lib/mentions.ts); the members among them are stored. */
  mentionCandidates?: string[];
  attachmentIds?: string[];
};

export type StoredRow = {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId: string;
  kind: string;
  body: string;
  createdAt: Date;
  deletedAt: Date | null;
  deletedBy: string | null;
  editedAt: Date | null;
  replyToId: string | null;
  mentions: string[];
  version: number;
  attachments: AttachmentRow[];
};

export type AppendOutcome =
  /**
   * Stored now; `audience` is who gets it live: the room's members but those who blocked the sender.
   * `acceptedRequest`: it answered a message request, which it accepted.
   */
  | { verdict: 'stored'; row: StoredRow; audience: string[]; acceptedRequest: boolean }
  /** The sender already has a message with this clientMsgId there (a retry): nothing new. */
  | { verdict: 'existing'; row: StoredRow }
  | { verdict: 'not_member' | 'blocked' | 'closed' | 'no_reply' };

type ResultRow = {
  verdict: 'ok' | 'not_member' | 'blocked' | 'closed' | 'no_reply';
  stored: boolean;
  id: string | null;
  roomId: string;
  seq: number | null;
  clientMsgId: string;
  kind: string | null;
  body: string | null;
  createdAt: Date | null;
  deletedAt: Date | null;
  deletedBy: string | null;
  editedAt: Date | null;
  replyToId: string | null;
  mentions: string[] | null;
  version: number | null;
  audience: string[] | null;
  acceptedRequest: boolean;
};

/**
 * Stores a batch of text messages to existing rooms in one transaction: group commit. The rooms are
 * locked in id order first (so two nodes' batches cannot deadlock, and a batch sees what committed
 * before it), then one statement checks each send (member; no block either way in a direct room; a
 * group not closed; clientMsgId not used yet), bumps each room's counter once for all its messages,
 * inserts them with consecutive seqs in the order given, accepts a request the sender replies to,
 * links each new message's attachments, and returns every message's audience. Outcomes come back
 * in the order of `requests`.
 *
 * With `script` (Postgres), a batch without attachments is one round trip: BEGIN, the locks, the
 * statement and COMMIT in one message (transaction-script.ts), both statements prepared once per
 * connection. Attachments are linked by a query of their own inside the transaction, so those batches
 * (and PGlite's) go through Prisma's transaction, running the same two statements.
 */
export async function appendBatch(db: PrismaClient, requests: AppendRequest[], script?: TransactionScript | null): Promise<AppendOutcome[]> {
  const [lock, append] = batchStatements(requests);
  let rows: ResultRow[];
  let attachments: Map<string, AttachmentRow[]>;
  if (script && requests.every((request) => !request.attachmentIds?.length)) {
    // Prepared: planning the batch statement anew cost Postgres more than running a small batch.
    rows = await script<ResultRow>([prepared('relay_batch_lock', lock), prepared('relay_batch_append', append)]);
    // A retried send returns the files it was stored with; reading them needs no lock.
    attachments = await readAttachments(db, retriedIds(rows, new Map()));
  } else {
    ({ rows, attachments } = await db.$transaction(async (tx) => {
      await tx.$queryRaw(lock);
      const rows = await tx.$queryRaw<ResultRow[]>(append);
      // In the same transaction: a file that may not be sent refuses the batch (which is then split).
      const linked = await linkAttachments(tx, requests.flatMap(({ senderId, roomId, attachmentIds }, index) =>
        rows[index].stored && attachmentIds?.length ? [{ messageId: rows[index].id!, senderId, roomId, attachmentIds }] : []));
      const earlier = await readAttachments(tx, retriedIds(rows, linked));
      return { rows, attachments: new Map([...earlier, ...linked]) };
      // Prisma's defaults (2 s for a connection, 5 s in all) are short for a batch under load; the lock
      // timeout is what bounds waiting on one room.
    }, { maxWait: 10_000, timeout: 20_000 }));
  }
  return rows.map((row) => toOutcome(row, attachments.get(row.id ?? '') ?? []));
}

/** Sends already stored before (retries) whose files were not linked just now. */
const retriedIds = (rows: ResultRow[], linked: Map<string, AttachmentRow[]>) =>
  rows.filter((row) => row.verdict === 'ok' && !linked.has(row.id!) && !row.stored).map((row) => row.id!);

/** The batch's two statements: the room locks (with their timeout), then the checks and writes. */
export function batchStatements(requests: AppendRequest[]): [Prisma.Sql, Prisma.Sql] {
  const column = <K extends keyof AppendRequest>(key: K) => requests.map((request) => request[key] ?? null);
  // Arrays of arrays do not unnest row by row: each send's candidates travel as one space-separated text.
  const candidates = requests.map((request) => (request.mentionCandidates ?? []).join(' '));
  const roomIds = [...new Set(column('roomId'))].sort();
  // A room held for long elsewhere fails this batch (which is then split) instead of stalling the queue:
  // the lock timeout is set by the statement that takes the locks, one statement where two were. It is
  // an uncorrelated subquery, run once before the first row comes out of the scan to be locked.
  // NO KEY UPDATE is all a counter bump needs, and does not wait on foreign-key checks against the room.
  const lock = Prisma.sql`
      SELECT "id" FROM "Room"
      WHERE "id" = ANY(${roomIds}::text[]) AND (SELECT set_config('lock_timeout', '5s', true)) IS NOT NULL
      ORDER BY "id" FOR NO KEY UPDATE`;
  const append = Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(${column('id')}::text[], ${column('roomId')}::text[], ${column('senderId')}::text[],
                             ${column('clientMsgId')}::text[], ${column('body')}::text[], ${column('replyToId')}::text[], ${candidates}::text[])
          WITH ORDINALITY AS t(new_id, room_id, sender_id, client_msg_id, body, reply_to, mention_text, ord)
      ), checked AS (
        SELECT i.*,
          CASE
            WHEN r."id" IS NULL OR NOT EXISTS (
              SELECT 1 FROM "RoomMember" rm WHERE rm."roomId" = i.room_id AND rm."userId" = i.sender_id) THEN 'not_member'
            WHEN r."kind" = 'direct' AND EXISTS (
              SELECT 1 FROM "RoomMember" other
              WHERE other."roomId" = i.room_id AND other."userId" <> i.sender_id
                AND (${blockedEitherWaySql(sqlColumn('i.sender_id'), sqlColumn('other."userId"'))}
                     OR EXISTS (SELECT 1 FROM "User" gone WHERE gone."id" = other."userId" AND gone."deletedAt" IS NOT NULL))) THEN 'blocked'
            -- Counted only as far as it matters: a group of 10,000 is not counted through for every send.
            WHEN r."kind" = 'group' AND (SELECT count(*) FROM (SELECT FROM "RoomMember" c WHERE c."roomId" = i.room_id LIMIT 2) AS counted) < 2 THEN 'closed'
            WHEN ${replyTargetMissing(Prisma.raw('i.room_id'), Prisma.raw('i.reply_to'))} THEN 'no_reply'
            ELSE 'ok'
          END AS verdict,
          (SELECT m."id" FROM "Message" m
            WHERE m."roomId" = i.room_id AND m."senderId" = i.sender_id AND m."clientMsgId" = i.client_msg_id) AS existing_id,
          -- The same send twice in one batch (two tabs retrying at once): the first one stores it.
          min(i.ord) OVER (PARTITION BY i.room_id, i.sender_id, i.client_msg_id) AS first_ord,
          -- The room's counters before this batch: this statement's snapshot does not see its own bump below,
          -- and nobody else can move them while this transaction holds the room's lock.
          r."lastSeq" AS last_seq, r."version" AS last_version
        FROM input i LEFT JOIN "Room" r ON r."id" = i.room_id
      ), fresh AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.room_id ORDER BY c.ord) AS n
        FROM checked c WHERE c.verdict = 'ok' AND c.existing_id IS NULL AND c.ord = c.first_ord
      ), counts AS (
        SELECT room_id, count(*)::int AS how_many FROM fresh GROUP BY room_id
      ), bumped AS (
        -- A new message is a change too: it takes the room's next version. (Run though nothing reads it:
        -- the messages take their numbers from the counters \`checked\` read, with no join back to this.)
        UPDATE "Room" r SET "lastSeq" = r."lastSeq" + counts.how_many, "version" = r."version" + counts.how_many, "lastMessageAt" = now()
        FROM counts WHERE r."id" = counts.room_id
      ), inserted AS (
        INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "kind", "body", "replyToId", "mentions", "version")
        SELECT f.new_id, f.room_id, f.last_seq + f.n, f.sender_id, f.client_msg_id, 'text', f.body, f.reply_to,
          ${mentionedMembers(Prisma.raw('f.room_id'), Prisma.raw(`string_to_array(f.mention_text, ' ')`))}, f.last_version + f.n
        FROM fresh f
        RETURNING "id", "roomId", "senderId", "clientMsgId", "seq", "body", "createdAt", "replyToId", "mentions", "version"
      ), accepted AS (
        -- Replying to a message request accepts it.
        UPDATE "RoomMember" rm SET "request" = NULL
        FROM (SELECT DISTINCT room_id, sender_id FROM fresh) f
        WHERE rm."roomId" = f.room_id AND rm."userId" = f.sender_id AND rm."request" IS NOT NULL
        RETURNING rm."roomId", rm."userId"
      )
      SELECT c.verdict, (ins."id" IS NOT NULL AND c.ord = c.first_ord) AS stored,
        COALESCE(ins."id", ex."id") AS "id", c.room_id AS "roomId", COALESCE(ins."seq", ex."seq") AS "seq",
        c.client_msg_id AS "clientMsgId", COALESCE(ex."kind", 'text') AS "kind", COALESCE(ins."body", ex."body") AS "body",
        COALESCE(ins."createdAt", ex."createdAt") AS "createdAt", ex."deletedAt" AS "deletedAt",
        ex."deletedBy" AS "deletedBy", ex."editedAt" AS "editedAt", COALESCE(ins."replyToId", ex."replyToId") AS "replyToId",
        COALESCE(ins."mentions", ex."mentions") AS "mentions", COALESCE(ins."version", ex."version") AS "version",
        CASE WHEN ins."id" IS NOT NULL AND c.ord = c.first_ord THEN ARRAY(
          SELECT rm."userId" FROM "RoomMember" rm
          WHERE rm."roomId" = c.room_id
            AND ${notBlockedBySql('rm."userId"', 'c.sender_id')}
        ) END AS audience,
        -- Once per room and sender: on the first of their messages stored in this batch.
        (ins."id" IS NOT NULL AND c.ord = (SELECT min(f.ord) FROM fresh f WHERE f.room_id = c.room_id AND f.sender_id = c.sender_id)
          AND EXISTS (SELECT 1 FROM accepted a WHERE a."roomId" = c.room_id AND a."userId" = c.sender_id)) AS "acceptedRequest"
      FROM checked c
      LEFT JOIN inserted ins ON ins."roomId" = c.room_id AND ins."senderId" = c.sender_id AND ins."clientMsgId" = c.client_msg_id
      -- One look-up by id per send (LIMIT keeps the planner from turning it into a scan of every message).
      LEFT JOIN LATERAL (SELECT * FROM "Message" m WHERE m."id" = c.existing_id LIMIT 1) ex ON true
      ORDER BY c.ord`;
  return [lock, append];
}

function toOutcome(row: ResultRow, attachments: AttachmentRow[]): AppendOutcome {
  if (row.verdict !== 'ok') return { verdict: row.verdict };
  const stored: StoredRow = {
    id: row.id!,
    roomId: row.roomId,
    seq: Number(row.seq),
    clientMsgId: row.clientMsgId,
    kind: row.kind ?? 'text',
    body: row.body ?? '',
    createdAt: new Date(row.createdAt!),
    deletedAt: row.deletedAt ? new Date(row.deletedAt) : null,
    deletedBy: row.deletedBy,
    editedAt: row.editedAt ? new Date(row.editedAt) : null,
    replyToId: row.replyToId,
    mentions: row.mentions ?? [],
    version: Number(row.version ?? 0),
    attachments,
  };
  return row.stored ? { verdict: 'stored', row: stored, audience: row.audience ?? [], acceptedRequest: row.acceptedRequest } : { verdict: 'existing', row: stored };
}
