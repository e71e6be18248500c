import type { PrismaClient } from './generated/client';

/** A Prisma client or the transaction client handed to `$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
export type DbClient = PrismaClient | Tx;
