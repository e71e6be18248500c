import type { DbClient } from '../db/client-types';

/**
 * Every earlier text of a message (before each edit, and before a delete by its sender), oldest
 * first: what was reported stays evidence whatever the sender does to the message afterwards.
 */
export async function earlierTexts(db: DbClient, messageId: string) {
  const edits = await db.messageEdit.findMany({ where: { messageId }, orderBy: { replacedAt: 'asc' }, select: { body: true, replacedAt: true } });
  return edits.map((edit) => ({ body: edit.body, replacedAt: edit.replacedAt.toISOString() }));
}
