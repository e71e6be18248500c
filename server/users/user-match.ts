/** A LIKE pattern's wildcards (and its escape) taken literally: Prisma's `contains` passes them through. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** What to look for in a search box: a handle is written "@alice" everywhere on our pages, and is pasted so. */
export const searchText = (query: string) => query.trim().replace(/^@/, '');

/** Prisma filter for users whose handle or display name contains the query (handles are lower case). */
export function userMatch(query: string) {
  const q = likeLiteral(searchText(query));
  if (!q) return {};
  return { OR: [{ handle: { contains: q.toLowerCase() } }, { displayName: { contains: q, mode: 'insensitive' as const } }] };
}
