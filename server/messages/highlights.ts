import type { SearchHighlight } from '@/lib/schemas';

// Marks ts_headline puts around matches; the content rules keep these control characters out of every stored body.
export const HIGHLIGHT_START = '\u0001';
export const HIGHLIGHT_STOP = '\u0002';

/** The body as search reads it (SQL `translate("body", '<>', '  ')`): same length, so offsets carry over. */
export const searchableText = (body: string) => body.replace(/[<>]/g, ' ');

/** The marked spans of a headline as offsets into the body (none if the headline does not spell the body out). */
export function highlightOffsets(headline: string, body: string): SearchHighlight[] {
  const spans: SearchHighlight[] = [];
  let plain = '';
  let start = -1;
  for (const char of headline) {
    if (char === HIGHLIGHT_START) start = plain.length;
    else if (char === HIGHLIGHT_STOP && start >= 0) {
      spans.push({ start, end: plain.length });
      start = -1;
    } else plain += char;
  }
  return plain === body ? spans : [];
}
