import type { PrismaClient } from '../db/generated/client';
import { blockedEitherWaySql, notBlockedBySql, sqlColumn } from '../safety/visibility';

export type AppendRequest = { id: string; roomId: string; senderId: string; clientMsgId: string; body: string };

export type StoredRow = { id: string; roomId: string; seq: number; clientMsgId: string; kind: string; body: string; createdAt: Date; deletedAt: Date | null };

export type AppendOutcome =
  /** Stored now; `audience` is who gets it live: the room's members but those who blocked the sender. */
  | { verdict: 'stored'; row: StoredRow; audience: string[] }
  /** The sender already has a message with this clientMsgId there (a retry): nothing new. */
  | { verdict: 'existing'; row: StoredRow }
  | { verdict: 'not_member' | 'blocked' | 'closed' };

type ResultRow = {
  verdict: 'ok' | 'not_member' | 'blocked' | 'closed';
  stored: boolean;
  id: string | null;
  roomId: string;
  seq: number | null;
  clientMsgId: string;
  kind: string | null;
  body: string | null;
  createdAt: Date | null;
  deletedAt: Date | null;
  audience: string[] | null;
};

/**
 * Stores a batch of text messages to existing rooms in one transaction: group commit. The rooms are
 * locked in id order first (so two nodes' batches cannot deadlock, and a batch sees what committed
 * before it), then one statement checks each send (member; no block either way in a direct room; a
 * group not closed; clientMsgId not used yet), bumps each room's counter once for all its messages,
 * inserts them with consecutive seqs in the order given, accepts a request the sender replies to,
 * and returns every message's audience. Outcomes come back in the order of `requests`.
 */
export async function appendBatch(db: PrismaClient, requests: AppendRequest[]): Promise<AppendOutcome[]> {
  const column = <K extends keyof AppendRequest>(key: K) => requests.map((request) => request[key]);
  const roomIds = [...new Set(column('roomId'))].sort();
  const rows = await db.$transaction(async (tx) => {
    // A room held for long elsewhere fails this batch (which is then split) instead of stalling the queue.
    await tx.$executeRaw`SET LOCAL lock_timeout = '5s'`;
    // NO KEY UPDATE is all a counter bump needs, and does not wait on foreign-key checks against the room.
    await tx.$queryRaw`SELECT "id" FROM "Room" WHERE "id" = ANY(${roomIds}::text[]) ORDER BY "id" FOR NO KEY UPDATE`;
    return tx.$queryRaw<ResultRow[]>`
      WITH input AS (
        SELECT * FROM unnest(${column('id')}::text[], ${column('roomId')}::text[], ${column('senderId')}::text[],
                             ${column('clientMsgId')}::text[], ${column('body')}::text[])
          WITH ORDINALITY AS t(new_id, room_id, sender_id, client_msg_id, body, ord)
      ), checked AS (
        SELECT i.*,
          CASE
            WHEN r."id" IS NULL OR NOT EXISTS (
              SELECT 1 FROM "RoomMember" rm WHERE rm."roomId" = i.room_id AND rm."userId" = i.sender_id) THEN 'not_member'
            WHEN r."kind" = 'direct' AND EXISTS (
              SELECT 1 FROM "RoomMember" other
              WHERE other."roomId" = i.room_id AND other."userId" <> i.sender_id
                AND ${blockedEitherWaySql(sqlColumn('i.sender_id'), sqlColumn('other."userId"'))}) THEN 'blocked'
            WHEN r."kind" = 'group' AND (SELECT count(*) FROM "RoomMember" c WHERE c."roomId" = i.room_id) < 2 THEN 'closed'
            ELSE 'ok'
          END AS verdict,
          (SELECT m."id" FROM "Message" m
            WHERE m."roomId" = i.room_id AND m."senderId" = i.sender_id AND m."clientMsgId" = i.client_msg_id) AS existing_id,
          -- The same send twice in one batch (two tabs retrying at once): the first one stores it.
          min(i.ord) OVER (PARTITION BY i.room_id, i.sender_id, i.client_msg_id) AS first_ord
        FROM input i LEFT JOIN "Room" r ON r."id" = i.room_id
      ), fresh AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.room_id ORDER BY c.ord) AS n
        FROM checked c WHERE c.verdict = 'ok' AND c.existing_id IS NULL AND c.ord = c.first_ord
      ), counts AS (
        SELECT room_id, count(*)::int AS how_many FROM fresh GROUP BY room_id
      ), bumped AS (
        UPDATE "Room" r SET "lastSeq" = r."lastSeq" + counts.how_many, "lastMessageAt" = now()
        FROM counts WHERE r."id" = counts.room_id
        RETURNING r."id", r."lastSeq" - counts.how_many AS base
      ), inserted AS (
        INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "clientMsgId", "kind", "body")
        SELECT f.new_id, f.room_id, b.base + f.n, f.sender_id, f.client_msg_id, 'text', f.body
        FROM fresh f JOIN bumped b ON b."id" = f.room_id
        RETURNING "id", "roomId", "senderId", "clientMsgId", "seq", "body", "createdAt"
      ), accepted AS (
        -- Replying to a message request accepts it.
        UPDATE "RoomMember" rm SET "request" = NULL
        FROM (SELECT DISTINCT room_id, sender_id FROM fresh) f
        WHERE rm."roomId" = f.room_id AND rm."userId" = f.sender_id AND rm."request" IS NOT NULL
        RETURNING rm."roomId"
      )
      SELECT c.verdict, (ins."id" IS NOT NULL AND c.ord = c.first_ord) AS stored,
        COALESCE(ins."id", ex."id") AS "id", c.room_id AS "roomId", COALESCE(ins."seq", ex."seq") AS "seq",
        c.client_msg_id AS "clientMsgId", COALESCE(ex."kind", 'text') AS "kind", COALESCE(ins."body", ex."body") AS "body",
        COALESCE(ins."createdAt", ex."createdAt") AS "createdAt", ex."deletedAt" AS "deletedAt",
        CASE WHEN ins."id" IS NOT NULL AND c.ord = c.first_ord THEN ARRAY(
          SELECT rm."userId" FROM "RoomMember" rm
          WHERE rm."roomId" = c.room_id
            AND ${notBlockedBySql('rm."userId"', 'c.sender_id')}
        ) END AS audience
      FROM checked c
      LEFT JOIN inserted ins ON ins."roomId" = c.room_id AND ins."senderId" = c.sender_id AND ins."clientMsgId" = c.client_msg_id
      LEFT JOIN "Message" ex ON ex."id" = c.existing_id
      ORDER BY c.ord`;
    // Prisma's defaults (2 s for a connection, 5 s in all) are short for a batch under load; the lock
    // timeout above is what bounds waiting on one room.
  }, { maxWait: 10_000, timeout: 20_000 });
  return rows.map(toOutcome);
}

function toOutcome(row: ResultRow): AppendOutcome {
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
  };
  return row.stored ? { verdict: 'stored', row: stored, audience: row.audience ?? [] } : { verdict: 'existing', row: stored };
}
