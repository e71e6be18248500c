import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '@/server/db/generated/client';
import { checkReadiness } from '@/server/ops/readiness';

// Prisma's messages start with a blank line and end with the reason (this one is what PrismaPg gave for a
// stopped Postgres): the first line said nothing, so /api/ready answered `error: ""`.
const PRISMA_MESSAGE = "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Can't reach database server at db:5432`";

describe('readiness', () => {
  it("says why the database check failed, with the reason at the end of Prisma's message", async () => {
    const db = { $queryRaw: () => Promise.reject(new Error(PRISMA_MESSAGE)) } as unknown as PrismaClient;
    const readiness = await checkReadiness(db, null);
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.database).toEqual({ ok: false, error: "Raw query failed. Code: `N/A`. Message: `Can't reach database server at db:5432`" });
    expect(readiness.checks.migrations.error).toContain("Can't reach database server");
  });
});
