/** Text split into plain parts and http(s) links; anything else (javascript:, data:) stays text. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Not inside a word (xhttps://…), but after any punctuation, formatting markers included (_https://…_).
const URL_PATTERN = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)[^\s<>"]+/giu;

export function linkify(body: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of body.matchAll(URL_PATTERN)) {
    // Punctuation after a link, and formatting markers around one (*https://…*), are not part of it.
    const raw = match[0].replace(/[.,!?;:)\]*_~]+$/, '');
    const start = match.index ?? 0;
    if (start > last) parts.push({ kind: 'text', text: body.slice(last, start) });
    const href = safeHref(raw);
    parts.push(href ? { kind: 'link', text: raw, href } : { kind: 'text', text: raw });
    last = start + raw.length;
  }
  if (last < body.length) parts.push({ kind: 'text', text: body.slice(last) });
  return parts;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw.startsWith('www.') ? `https://${raw}` : raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
