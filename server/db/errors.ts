/**
 * A unique-constraint violation: P2002 from Prisma's query API; from raw SQL it surfaces as
 * P2010 carrying Postgres' SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta, message } = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  if (code === 'P2002') return true;
  return code === 'P2010' && (meta?.code === '23505' || String(message).includes('23505'));
}
