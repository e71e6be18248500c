import type { z } from 'zod';
import type { messagePageSchema } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getDb } from '../runtime';
import { visibleToViewer } from '../safety/visibility';
import { messageInclude, toChatMessages } from './chat-message';

/**
 * One page of a room's history, oldest first. With afterSeq it pages forward from there (catch-up),
 * bounded by beforeSeq when both are given; with only beforeSeq, the page before it; with neither,
 * the newest page.
 */
export async function listMessages(actor: Actor, roomId: string, page: z.infer<typeof messagePageSchema>) {
  await requireMember(actor, roomId);
  return readMessagePage(actor, roomId, page);
}

/** The page itself, for a caller whose membership was already checked. */
export async function readMessagePage(actor: Actor, roomId: string, page: z.infer<typeof messagePageSchema>) {
  const forward = page.afterSeq !== undefined;
  const rows = await getDb().message.findMany({
    where: {
      roomId,
      ...visibleToViewer(actor.userId),
      seq: { gt: page.afterSeq, lt: page.beforeSeq },
    },
    orderBy: { seq: forward ? 'asc' : 'desc' },
    take: page.limit + 1,
    include: messageInclude,
  });
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (!forward) pageRows.reverse();
  return { messages: await toChatMessages(getDb(), actor.userId, pageRows), hasMore };
}
