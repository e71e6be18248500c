import { Prisma } from '../db/generated/client';
import type { DbClient } from '../db/client-types';
import { perTurn } from '../db/per-turn';
import { type TransactionScript, prepared, queryPrepared } from '../db/transaction-script';
import { peerIds } from '../users/peer-ids';
import { eitherBlocked } from './block-relations';

/*
 * Who may see what of whom: every rule in one place (docs/security.md, "Who sees what").
 *
 * 1. Two people are *peers* when they share a conversation both have accepted (a direct conversation
 *    past the request stage, or a group both are members of; a pending invite is not membership) and
 *    neither has blocked the other. Only peers see each other's presence and renames.
 * 2. A member's activity in a room (receipts, typing) goes to the room's other members except across a
 *    block; the recipient of an unanswered message request shows none, and their cursors read 0. In a
 *    room larger than RECEIPTS_TO_ALL_MAX_MEMBERS a receipt goes only to those it is news to: the members
 *    who sent a message it newly covers (clients show receipts under their own messages only, and not
 *    under system notes).
 * 3. A message goes to the room's members except those who blocked its sender; history, previews and
 *    unread counts leave out what the viewer's blocked people wrote, and no viewer sees the reactions of
 *    people they blocked, nor the words of theirs a reply quotes (messages/chat-message.ts, push-message.ts).
 * 4. Someone joins a group outright only when added by a peer; anyone else gets an invite, and nothing
 *    flows either way until they accept (they are not a member). Nobody adds across a block, nor a
 *    banned account.
 * 5. A banned or deleted account is out of sight as a person: people search leaves it out, its profile picture is
 *    served to nobody, nobody adds it (shownAccount). What it wrote stays, under its name. A suspension
 *    is for a while and hides nothing.
 * The SQL fast paths (group commit, unread, contacts) build their conditions from the fragments below.
 */

/** A trusted column expression for the SQL fragments below (never user input). */
export const sqlColumn = (name: string) => Prisma.raw(name);

/** SQL: `viewer` has not blocked `sender` (rule 3). Arguments are trusted column expressions. */
export const notBlockedBySql = (viewer: string, sender: string) =>
  Prisma.sql`NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."blockerId" = ${sqlColumn(viewer)} AND b."blockedId" = ${sqlColumn(sender)})`;

/** SQL: a block between `a` and `b`, either way (sqlColumn expressions or bound values). */
export const blockedEitherWaySql = (a: Prisma.Sql, b: Prisma.Sql) =>
  Prisma.sql`EXISTS (SELECT 1 FROM "Block" b WHERE (b."blockerId" = ${a} AND b."blockedId" = ${b}) OR (b."blockerId" = ${b} AND b."blockedId" = ${a}))`;

/** Prisma filter on messages: those the viewer may read (rule 3). */
export const visibleToViewer = (viewerId: string) => ({ sender: { blockedBy: { none: { blockerId: viewerId } } } });

/** Who sees the user's presence and renames (rule 1). */
export const presenceAudience = async (db: DbClient, userId: string) => (await peersOf(db, [userId], {})).get(userId) ?? [];

/**
 * Who is told of the user's presence changes as they happen: their peers (rule 1) who share a direct
 * conversation or a group of at most `pushMaxMembers` members with them. Peers who share only bigger
 * groups ask (`presence:query`) when they look: telling every member of a big group each time one of
 * them connects is members² events, all of them at once when a node restarts. The look-ups of one turn
 * (a node's sockets reconnecting together) are one statement.
 */
export function presencePushAudience(db: DbClient, userId: string, pushMaxMembers: number): Promise<string[]> {
  let loaders = pushAudienceLoaders.get(db);
  if (!loaders) pushAudienceLoaders.set(db, (loaders = new Map()));
  let load = loaders.get(pushMaxMembers);
  if (!load) loaders.set(pushMaxMembers, (load = perTurn((userIds) => peersOf(db, userIds, { roomsUpTo: pushMaxMembers }), [])));
  return load(userId);
}

// Per database client and limit (a node has one of each; tests have several).
const pushAudienceLoaders = new WeakMap<DbClient, Map<number, (userId: string) => Promise<string[]>>>();

/** Of the given users, those whose presence the viewer may not see (rule 1); never the viewer. */
export async function presenceHiddenFrom(db: DbClient, viewerId: string, userIds: string[]): Promise<Set<string>> {
  // Only the given users are looked at: asking about a few members of a 10,000-member group stays cheap.
  const visible = new Set((await peersOf(db, [viewerId], { among: userIds })).get(viewerId));
  return new Set(userIds.filter((id) => id !== viewerId && !visible.has(id)));
}

/**
 * Rule 1 in one statement: each user's peers with no block either way (users without any are left out),
 * optionally only `among` some users or through rooms of at most `roomsUpTo` members. The users' own
 * memberships are worked out first, once each (materialized), and a room's size is counted only up to
 * one past the limit: otherwise the planner may count a big group's members again for every pair of
 * members, and 50 members of a 2,000-member group connecting at once took Postgres 28 s.
 */
async function peersOf(db: DbClient, userIds: string[], only: { among?: string[]; roomsUpTo?: number }): Promise<Map<string, string[]>> {
  const among = only.among ? Prisma.sql`AND peer."userId" = ANY(${only.among}::text[])` : Prisma.empty;
  const roomsUpTo =
    only.roomsUpTo !== undefined
      ? Prisma.sql`AND (SELECT count(*) FROM (SELECT FROM "RoomMember" m WHERE m."roomId" = rm."roomId" LIMIT ${only.roomsUpTo + 1}) AS counted) <= ${only.roomsUpTo}`
      : Prisma.empty;
  const rows = await db.$queryRaw<{ key: string; audienceId: string }[]>`
    WITH mine AS MATERIALIZED (
      SELECT rm."userId", rm."roomId" FROM "RoomMember" rm
      WHERE rm."userId" = ANY(${userIds}::text[]) AND rm."request" IS NULL ${roomsUpTo}
    )
    SELECT DISTINCT mine."userId" AS key, peer."userId" AS "audienceId" FROM mine
    JOIN "RoomMember" peer ON peer."roomId" = mine."roomId" AND peer."userId" <> mine."userId" AND peer."request" IS NULL
    WHERE NOT ${blockedEitherWaySql(sqlColumn('mine."userId"'), sqlColumn('peer."userId"'))} ${among}`;
  return audiencesByKey(rows);
}

/** Who sees a member's receipts and typing in a room (rule 2). */
export async function activityAudience(db: DbClient, member: { roomId: string; userId: string; request: string | null }): Promise<string[]> {
  if (member.request !== null) return [];
  let load = audienceLoaders.get(db);
  if (!load) audienceLoaders.set(db, (load = perTurn((keys) => activityAudiences(db, keys), [])));
  return load(`${member.roomId}\n${member.userId}`);
}

// Per database client (tests run several): a receipt or typing signal each, one query per turn for all.
const audienceLoaders = new WeakMap<DbClient, (key: string) => Promise<string[]>>();

/** The other members of each room (key `roomId\nuserId`) with no block either way with the user. */
async function activityAudiences(db: DbClient, keys: string[]): Promise<Map<string, string[]>> {
  const pairs = keys.map((key) => key.split('\n'));
  const rows = await db.$queryRaw<{ roomId: string; userId: string; audienceId: string }[]>`
    SELECT i.room_id AS "roomId", i.user_id AS "userId", rm."userId" AS "audienceId"
    FROM unnest(${pairs.map(([roomId]) => roomId)}::text[], ${pairs.map(([, userId]) => userId)}::text[]) AS i(room_id, user_id)
    JOIN "RoomMember" rm ON rm."roomId" = i.room_id AND rm."userId" <> i.user_id
    WHERE NOT ${blockedEitherWaySql(sqlColumn('rm."userId"'), sqlColumn('i.user_id'))}`;
  return audiencesByKey(rows.map((row) => ({ key: `${row.roomId}\n${row.userId}`, audienceId: row.audienceId })));
}

/** Rows of (key, one member of its audience), gathered into each key's audience. */
function audiencesByKey(rows: { key: string; audienceId: string }[]): Map<string, string[]> {
  const audiences = new Map<string, string[]>();
  for (const { key, audienceId } of rows) {
    const audience = audiences.get(key);
    if (audience) audience.push(audienceId);
    else audiences.set(key, [audienceId]);
  }
  return audiences;
}

/** A receipt to be sent: the reader's cursor in a room moved from `fromSeq` (exclusive) to `toSeq`. */
export type ReceiptMove = { roomId: string; userId: string; request: string | null; fromSeq: number; toSeq: number };

/**
 * Who is told of a receipt (rule 2): like activityAudience, but in a room of more than `toAllMaxMembers`
 * members only the senders of messages in (fromSeq, toSeq]. Everyone else would never show it, and
 * telling every member of a big group every reader's receipt costs members² per message.
 */
export async function receiptAudience(db: DbClient, move: ReceiptMove, toAllMaxMembers: number, script?: TransactionScript | null): Promise<string[]> {
  if (move.request !== null) return [];
  const key = JSON.stringify([move.roomId, move.userId, move.fromSeq, move.toSeq, toAllMaxMembers]);
  const owner = script ?? db;
  let load = receiptAudienceLoaders.get(owner);
  if (!load) receiptAudienceLoaders.set(owner, (load = perTurn((keys) => receiptAudiences(db, script, keys), [], RECEIPT_AUDIENCE_GATHER_MS)));
  return load(key);
}

// Receipts whose audiences are looked up together: a busy node moves cursors in a batch every few
// milliseconds, each batch a turn of its own; a tick that shows 50 ms later is not seen to.
const RECEIPT_AUDIENCE_GATHER_MS = 50;

// Per script, else per database client: each looks its receipts up its own way.
const receiptAudienceLoaders = new WeakMap<object, (key: string) => Promise<string[]>>();

/**
 * With `script` (Postgres) the look-up is prepared once per connection: planned anew it cost Postgres
 * 0.7 ms, running it 0.1 ms (docs/performance.md, "Fifteenth round").
 */
async function receiptAudiences(db: DbClient, script: TransactionScript | null | undefined, keys: string[]): Promise<Map<string, string[]>> {
  const rows = await queryPrepared<{ n: number; audienceId: string }>(db, script, prepared('relay_receipt_audience', receiptAudienceSql(keys)));
  return audiencesByKey(rows.map(({ n, audienceId }) => ({ key: keys[n - 1], audienceId })));
}

/**
 * The look-up of receipts' audiences, for keys (JSON of [roomId, userId, fromSeq, toSeq, toAllMaxMembers]):
 * rows of (`n`, one member of the audience of the `n`th key, from 1). Each room's size is counted once.
 * A big room's audience is found from its messages in the range, per receipt (LATERAL, an index range
 * on roomId, seq): written as a join, the planner could not see that no room was big, and at times read
 * every message of every room to find out.
 */
export function receiptAudienceSql(keys: string[]): Prisma.Sql {
  const moves = keys.map((key) => JSON.parse(key) as [string, string, number, number, number]);
  const column = (index: number) => moves.map((move) => move[index]);
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::int[], ${column(3)}::int[], ${column(4)}::int[])
        WITH ORDINALITY AS i(room_id, user_id, from_seq, to_seq, to_all_max, n)
    ), sizes AS (
      SELECT r.room_id, count(*) AS members
      FROM (SELECT DISTINCT room_id FROM input) r JOIN "RoomMember" rm ON rm."roomId" = r.room_id
      GROUP BY r.room_id
    ), candidates AS (
      SELECT i.n, i.user_id, rm."userId" AS audience_id
      FROM input i JOIN sizes s ON s.room_id = i.room_id AND s.members <= i.to_all_max
      JOIN "RoomMember" rm ON rm."roomId" = i.room_id AND rm."userId" <> i.user_id
      UNION
      SELECT i.n, i.user_id, rm."userId"
      FROM input i JOIN sizes s ON s.room_id = i.room_id AND s.members > i.to_all_max
      -- System notes ("bob joined") show no receipts: their senders are not told. The size test is
      -- repeated inside, where it gates the scan whatever order the planner joins in.
      CROSS JOIN LATERAL (
        SELECT DISTINCT m."senderId" FROM "Message" m
        WHERE s.members > i.to_all_max
          AND m."roomId" = i.room_id AND m."seq" > i.from_seq AND m."seq" <= i.to_seq AND m."kind" <> 'system'
      ) m
      JOIN "RoomMember" rm ON rm."roomId" = i.room_id AND rm."userId" = m."senderId" AND rm."userId" <> i.user_id
    )
    SELECT c.n::int AS n, c.audience_id AS "audienceId" FROM candidates c
    WHERE NOT ${blockedEitherWaySql(sqlColumn('c.audience_id'), sqlColumn('c.user_id'))}`;
}

/** Whether a member's cursors read as 0 to the viewer (rule 2). */
export const hidesCursorsFrom = (viewerId: string, blockedByOrOfViewer: Set<string>, member: { userId: string; request: string | null }) =>
  member.userId !== viewerId && (blockedByOrOfViewer.has(member.userId) || member.request !== null);

/** The members a sender's message goes to live (rule 3). */
export async function messageAudience(db: DbClient, roomId: string, senderId: string): Promise<string[]> {
  const members = await db.roomMember.findMany({
    where: { roomId, user: { blocking: { none: { blockedId: senderId } } } },
    select: { userId: true },
  });
  return members.map((member) => member.userId);
}

/** Prisma filter on users: those shown to others as people, found in search, pictures served (rule 5). */
export const shownAccount = { bannedAt: null, deletedAt: null };

/** How `userId` may enter a group `actorId` adds them to (rule 4); a banned account enters none. */
export async function groupEntry(db: DbClient, actorId: string, userId: string): Promise<'member' | 'invite' | 'refused'> {
  const banned = await db.user.count({ where: { id: userId, NOT: shownAccount } });
  if (banned > 0 || (await eitherBlocked(db, actorId, userId))) return 'refused';
  return (await peerIds(db, actorId)).includes(userId) ? 'member' : 'invite';
}
