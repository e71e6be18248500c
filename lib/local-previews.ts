/**
 * The pictures this tab uploaded, as the browser holds them: shown in place of the server's thumbnail when
 * that cannot be fetched (a picture sent offline waits in the outbox; the thumbnail needs the server).
 * This tab's memory only, the most recent few: after a reload the name shows until the server answers.
 */
const KEPT = 30;
const previews = new Map<string, string>();

export function keepLocalPreview(attachmentId: string, file: File) {
  if (!file.type.startsWith('image/') || typeof URL.createObjectURL !== 'function') return;
  previews.set(attachmentId, URL.createObjectURL(file));
  if (previews.size <= KEPT) return;
  const [oldest, url] = previews.entries().next().value!;
  previews.delete(oldest);
  URL.revokeObjectURL(url);
}

export const localPreview = (attachmentId: string): string | null => previews.get(attachmentId) ?? null;
