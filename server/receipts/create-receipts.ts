import type { PrismaClient } from '../db/generated/client';
import type { Broadcaster } from '../realtime/broadcaster';
import { type AnnouncerOptions, ReceiptAnnouncer } from './receipt-announcer';
import { ReceiptQueue } from './receipt-queue';

/** The receipts' collaborators, built once by the composition root. */
export const createReceipts = (deps: { db: PrismaClient; broadcaster: Broadcaster }, options: AnnouncerOptions) => ({
  queue: new ReceiptQueue(deps.db),
  announcer: new ReceiptAnnouncer(deps, options),
});
