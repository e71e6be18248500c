import type { ChatMessage } from '@/lib/schemas';
import type { DbClient } from '../db/client-types';
import { messageInclude, toChatMessages } from './chat-message';

export type RoomRef = { id: string; kind: 'direct' | 'group'; name: string | null };

/** Messages by id, in the order given, as the viewer sees them, each with its room. */
export async function loadHits(db: DbClient, viewerId: string, ids: string[]): Promise<{ message: ChatMessage; room: RoomRef }[]> {
  const rows = await db.message.findMany({ where: { id: { in: ids } }, include: { ...messageInclude, room: { select: { id: true, kind: true, name: true } } } });
  const views = await toChatMessages(db, viewerId, rows);
  const byId = new Map(rows.map((row, index) => [row.id, { message: views[index], room: { id: row.room.id, kind: row.room.kind === 'group' ? 'group' : 'direct', name: row.room.name } as RoomRef }]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Which messages a user may find (search, mentions): in rooms they are in, for a group only since
 * they joined, not deleted, not from someone they blocked, and not in a message request they have not
 * accepted (pending or ignored: a stranger cannot fill their Mentions). `m` is the message, `rm` their
 * membership.
 */
export const FINDABLE = `m."deletedAt" IS NULL AND m."kind" = 'text' AND rm."request" IS NULL
  AND (r."kind" <> 'group' OR m."createdAt" >= rm."joinedAt")
  AND NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."blockerId" = rm."userId" AND b."blockedId" = m."senderId")`;
