import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { AttachmentDeps } from './upload-attachment';
import { thumbKey } from './attachment-storage';
import { isInlineImage } from './inspect-file';

/**
 * Who may fetch an attachment: a current member of its room, once it is sent in a
 * message that is not deleted and whose sender the caller has not blocked; before it is sent, only
 * its uploader (while still a member). A moderator also, while it is under review (underReview). Everyone
 * else gets the same not_found as for no such id.
 */
export async function openAttachment(deps: Pick<AttachmentDeps, 'db' | 'attachments'>, actor: Actor, id: string, thumb: boolean): Promise<Response> {
  const row = (await memberView(deps.db, actor, id)) ?? (actor.role === 'admin' ? await underReview(deps.db, id) : null);
  if (!row || (thumb && !row.hasThumb)) throw new AppError('not_found', 'No such attachment.');
  const stored = await deps.attachments.get(thumb ? thumbKey(id) : id);
  if (!stored) throw new AppError('not_found', 'No such attachment.');

  const contentType = thumb ? 'image/webp' : row.contentType;
  // Only the images we re-encoded are shown in the page; anything else is a download.
  const disposition = isInlineImage(contentType) ? 'inline' : 'attachment';
  return new Response(stored.body, {
    headers: {
      'content-type': contentType === 'text/plain' ? 'text/plain; charset=utf-8' : contentType,
      'content-length': String(stored.size),
      'content-disposition': `${disposition}; filename="${asciiFallback(row.name)}"; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      'x-content-type-options': 'nosniff',
      // Opened directly, a served file can run nothing and load nothing.
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      // Only the member's own browser may keep it, briefly: access can be taken away.
      'cache-control': 'private, max-age=300',
    },
  });
}

const asciiFallback = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, '_');

const SERVED = { name: true, contentType: true, hasThumb: true } as const;

function memberView(db: AttachmentDeps['db'], actor: Actor, id: string) {
  return db.attachment.findFirst({
    where: {
      id,
      room: { members: { some: { userId: actor.userId } } },
      OR: [
        { messageId: null, uploaderId: actor.userId },
        { message: { deletedAt: null, sender: { blockedBy: { none: { blockerId: actor.userId } } } } },
      ],
    },
    select: SERVED,
  });
}

/**
 * The files a moderator has to see to decide: those of a message in an open report (deleted since or
 * not: the evidence stays), and those a held message would deliver. Not the rest of the conversation.
 */
async function underReview(db: AttachmentDeps['db'], id: string) {
  const row = await db.attachment.findUnique({ where: { id }, select: { ...SERVED, messageId: true } });
  if (!row) return null;
  const reviewed = row.messageId
    ? await db.report.count({ where: { messageId: row.messageId, status: 'open' } })
    : await db.heldMessage.count({ where: { status: 'held', attachmentIds: { has: id } } });
  return reviewed > 0 ? row : null;
}
