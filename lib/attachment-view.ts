import type { AttachmentInfo } from './schemas';
import { thumbnailSize } from './thumbnail';

/** Where a file is fetched (GET /attachments/:id), or its thumbnail. */
export const attachmentUrl = (id: string, thumb = false) => `/api/v1/attachments/${encodeURIComponent(id)}${thumb ? '?thumb=1' : ''}`;

/** Images the server re-encodes and gives a thumbnail (docs/protocol.md, Attachments). */
export const hasThumbnail = (attachment: AttachmentInfo) => /^image\/(jpeg|png|webp|gif)$/.test(attachment.contentType) && !!attachment.width;

/** The box of the server's thumbnail (lib/thumbnail.ts), shown at most `longest` px on its longer side. */
export function shownThumbSize(attachment: AttachmentInfo, longest = 240) {
  const box = thumbnailSize(attachment.width ?? longest, attachment.height ?? longest);
  const scale = Math.min(1, longest / Math.max(box.width, box.height));
  return { width: Math.max(1, Math.round(box.width * scale)), height: Math.max(1, Math.round(box.height * scale)) };
}
