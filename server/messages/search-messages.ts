import type { z } from 'zod';
import type { searchQuerySchema } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { AppError } from '@/lib/errors';
import { Prisma } from '../db/generated/client';
import { getDb } from '../runtime';
import type { SearchHighlight } from '@/lib/schemas';
import { HIGHLIGHT_START, HIGHLIGHT_STOP, highlightOffsets, searchableText } from './highlights';
import { FINDABLE, loadHits } from './message-hits';

type SearchInput = z.infer<typeof searchQuerySchema>;

/**
 * Where a page ended, as the next one continues from it: the last result's place in the order (rank,
 * time, id), not its id alone. An id is looked up among the messages that match now, and the last result
 * shown may have been edited out of them meanwhile: the next page was empty and the rest unreachable.
 */
type Place = { rank: number | null; createdAt: Date; id: string };

/** Postgres's largest `real` (ts_rank's type), and its smallest above 0: one between 0 and it underflows. */
const MAX_REAL = 3.4e38;
const MIN_REAL = 1e-45;
/** Message ids are cuids or UUIDs. */
const MESSAGE_ID = /^[\w-]{1,64}$/;
const encodeCursor = (place: Place) => Buffer.from(JSON.stringify([place.rank, place.createdAt.toISOString(), place.id])).toString('base64url');

function decodeCursor(cursor: string): Place {
  try {
    const [rank, createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const at = new Date(createdAt);
    // Only values a search could have given: a forged one must not reach Postgres as a real, a timestamp
    // or text it cannot hold.
    const rankFits = rank === null || (typeof rank === 'number' && (rank === 0 || (rank >= MIN_REAL && rank <= MAX_REAL)));
    const atFits = typeof createdAt === 'string' && at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9999;
    if (rankFits && atFits && typeof id === 'string' && MESSAGE_ID.test(id)) return { rank, createdAt: at, id };
  } catch {
    // Falls through to the refusal: not JSON, or not base64url.
  }
  throw new AppError('bad_request', 'cursor: is not one a search answered with.');
}

/** The page's answer: `nextCursor` (with `hasMore`) is where the next page starts. */
function pageOf<Row extends Place>(rows: Row[], input: SearchInput) {
  const page = rows.slice(0, input.limit);
  const hasMore = rows.length > input.limit;
  return { page, more: hasMore ? { hasMore, nextCursor: encodeCursor(page.at(-1)!) } : { hasMore } };
}

/** Text as search reads it: SQL's twin of searchableText (literals, not parameters, so the index matches). */
const searchable = (text: Prisma.Sql) => Prisma.sql`translate(${text}, '<>', '  ')`;
/** A message's words as the GIN index in the migrations holds them (`m` is the message). */
export const MESSAGE_WORDS = Prisma.sql`to_tsvector('english', ${searchable(Prisma.raw('m."body"'))})`;

/**
 * Full-text search over the messages the caller may find (message-hits.ts), with Postgres's own
 * parser, so the embedded database answers exactly as Postgres does. `q` goes through
 * websearch_to_tsquery, which takes any text (quotes, "or", "-word") and never fails on syntax.
 * Best match first, newest first among equals; `cursor` (or `beforeId`, a result still matching)
 * continues after a page. The expression `to_tsvector('english', translate("body", '<>', '  '))` must
 * match the GIN index in the migration: the parser skips whatever stands between < and > as an XML tag,
 * so the brackets are read as spaces (searchableText), in the body, the query and the headline alike.
 */
export async function searchMessages(actor: Actor, input: SearchInput) {
  if (UNSPACED_SCRIPT.test(input.q)) return searchWithin(actor, input);
  const db = getDb();
  const place = input.cursor ? decodeCursor(input.cursor) : null;
  const after = place
    ? Prisma.sql`WHERE (rank, "createdAt", "id") < (${place.rank ?? 0}::real, ${place.createdAt}::timestamp(3), ${place.id}::text)`
    : input.beforeId
      ? Prisma.sql`WHERE (rank, "createdAt", "id") < (SELECT c.rank, c."createdAt", c."id" FROM hits c WHERE c."id" = ${input.beforeId}::text)`
      : Prisma.empty;
  const rows = await db.$queryRaw<(Place & { headline: string; body: string })[]>`
    WITH q AS (SELECT websearch_to_tsquery('english', ${searchable(Prisma.sql`${input.q}`)}) AS query),
    hits AS (
      SELECT m."id", m."body", m."createdAt", ts_rank(${MESSAGE_WORDS}, q.query) AS rank
      FROM q, "Message" m
      JOIN "RoomMember" rm ON rm."roomId" = m."roomId" AND rm."userId" = ${actor.userId}
      JOIN "Room" r ON r."id" = m."roomId"
      WHERE ${MESSAGE_WORDS} @@ q.query
        AND ${Prisma.raw(FINDABLE)}
        AND (${input.roomId ?? null}::text IS NULL OR m."roomId" = ${input.roomId ?? null}::text)
    ), page AS (
      SELECT * FROM hits
      ${after}
      ORDER BY rank DESC, "createdAt" DESC, "id" DESC
      LIMIT ${input.limit + 1}
    )
    SELECT page."id", page."body", page.rank, page."createdAt",
      ts_headline('english', ${searchable(Prisma.raw('page."body"'))}, q.query, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, HighlightAll=true`}) AS headline
    FROM page, q
    ORDER BY page.rank DESC, page."createdAt" DESC, page."id" DESC`;
  const { page, more } = pageOf(rows, input);
  const hits = await loadHits(db, actor.userId, page.map((row) => row.id));
  const highlightsOf = new Map(page.map((row) => [row.id, highlightOffsets(row.headline, searchableText(row.body))]));
  return { results: hits.map((hit) => ({ ...hit, highlights: highlightsOf.get(hit.message.id) ?? [] })), ...more };
}

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, …): Postgres's parser takes a
 * whole run as one word, so a word inside it is never found. A query in such a script is found as text
 * within the message instead: every space-separated term, case-insensitively, newest first (no ranking).
 * No index serves it: it reads the caller's findable messages, which the room join keeps to their own.
 */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

async function searchWithin(actor: Actor, input: SearchInput) {
  const db = getDb();
  const place = input.cursor ? decodeCursor(input.cursor) : null;
  // The time and id of the message itself, matching or not (no rank here).
  const after = place
    ? Prisma.sql`WHERE ("createdAt", "id") < (${place.createdAt}::timestamp(3), ${place.id}::text)`
    : input.beforeId
      ? Prisma.sql`WHERE ("createdAt", "id") < (SELECT c."createdAt", c."id" FROM "Message" c WHERE c."id" = ${input.beforeId}::text)`
      : Prisma.empty;
  const terms = [...new Set(input.q.split(/\s+/).filter(Boolean))];
  // LIKE's wildcards and escape are plain text in a query.
  const patterns = terms.map((term) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  const rows = await db.$queryRaw<(Place & { body: string })[]>`
    WITH hits AS (
      SELECT m."id", m."body", m."createdAt"
      FROM "Message" m
      JOIN "RoomMember" rm ON rm."roomId" = m."roomId" AND rm."userId" = ${actor.userId}
      JOIN "Room" r ON r."id" = m."roomId"
      WHERE m."body" ILIKE ALL (${patterns}::text[])
        AND ${Prisma.raw(FINDABLE)}
        AND (${input.roomId ?? null}::text IS NULL OR m."roomId" = ${input.roomId ?? null}::text)
    )
    SELECT "id", "body", NULL::real AS rank, "createdAt" FROM hits
    ${after}
    ORDER BY "createdAt" DESC, "id" DESC
    LIMIT ${input.limit + 1}`;
  const { page, more } = pageOf(rows, input);
  const hits = await loadHits(db, actor.userId, page.map((row) => row.id));
  const highlightsOf = new Map(page.map((row) => [row.id, termOffsets(row.body, terms)]));
  return { results: hits.map((hit) => ({ ...hit, highlights: highlightsOf.get(hit.message.id) ?? [] })), ...more };
}

/** Where the terms occur in the body (UTF-16 offsets, in order, overlaps merged). */
function termOffsets(body: string, terms: string[]): SearchHighlight[] {
  const spans: SearchHighlight[] = [];
  for (const term of terms) {
    const pattern = new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
    for (const match of body.matchAll(pattern)) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: SearchHighlight[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
