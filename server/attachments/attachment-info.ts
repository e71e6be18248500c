import type { AttachmentInfo } from '@/lib/schemas';

export type AttachmentRow = { id: string; name: string; size: number; contentType: string; width: number | null; height: number | null };

/** What a message's include selects of its attachments, in the order they were sent. */
export const attachmentSelect = {
  select: { id: true, name: true, size: true, contentType: true, width: true, height: true },
  orderBy: { position: 'asc' },
} as const;

export const toAttachmentInfo = (row: AttachmentRow): AttachmentInfo => ({
  id: row.id,
  name: row.name,
  size: Number(row.size),
  contentType: row.contentType,
  ...(row.width !== null && row.height !== null && { width: Number(row.width), height: Number(row.height) }),
});
