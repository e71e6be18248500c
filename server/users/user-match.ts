/** Prisma filter for users whose handle or display name contains the query (handles are lower case). */
export function userMatch(query: string) {
  const q = query.trim();
  if (!q) return {};
  return { OR: [{ handle: { contains: q.toLowerCase() } }, { displayName: { contains: q, mode: 'insensitive' as const } }] };
}
