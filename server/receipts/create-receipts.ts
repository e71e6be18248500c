import type { PrismaClient } from '../db/generated/client';
import type { TransactionScript } from '../db/transaction-script';
import type { Broadcaster } from '../realtime/broadcaster';
import { type AnnouncerOptions, ReceiptAnnouncer } from './receipt-announcer';
import { ReceiptQueue } from './receipt-queue';

/** The receipts' collaborators, built once by the composition root. */
export const createReceipts = (deps: { db: PrismaClient; broadcaster: Broadcaster; script?: TransactionScript | null }, options: AnnouncerOptions) => ({
  queue: new ReceiptQueue(deps.db, deps.script),
  announcer: new ReceiptAnnouncer(deps, options),
});
