import { attachmentUrl, hasThumbnail, shownThumbSize } from '@/lib/attachment-view';
import { humanSize } from '@/lib/file-size';
import type { AttachmentInfo } from '@/lib/schemas';

/**
 * The files a moderator decides on with the text (a reported message's, a held one's): pictures as
 * thumbnails, others by name and size, each opening in a new tab. A picture sent alone was an empty line.
 */
export function ReviewedFiles({ attachments }: { attachments: AttachmentInfo[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul aria-label="Files" className="mt-1 flex flex-wrap items-end gap-2 font-normal">
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <a href={attachmentUrl(attachment.id)} target="_blank" rel="noopener" className="block w-fit underline">
            {hasThumbnail(attachment) ? (
              // eslint-disable-next-line @next/next/no-img-element -- served by our API with its own headers, not Next's optimiser
              <img src={attachmentUrl(attachment.id, true)} alt={attachment.name} {...shownThumbSize(attachment, 120)} loading="lazy" className="max-w-full rounded" />
            ) : (
              <>
                {attachment.name} ({humanSize(attachment.size)})
              </>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}
