import { linkify } from './linkify';

/**
 * A message's text as the chat apps people know format it (WhatsApp, Slack): *bold* (or **bold**),
 * _italic_, ~strike~ (or ~~strike~~), `code`, and ```code blocks```. The text is stored as typed; this
 * only shapes how it is shown, and the shown text is always the typed text minus the markers, never HTML.
 * Links stay whole (a marker inside a URL is part of it), and nothing inside code is formatted or linked.
 */
export type FormatNode =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'code'; text: string }
  | { kind: 'block'; text: string }
  | { kind: 'bold' | 'italic' | 'strike'; children: FormatNode[] };

type Emphasis = 'bold' | 'italic' | 'strike';
const EMPHASIS: Record<string, Emphasis> = { '*': 'bold', _: 'italic', '~': 'strike' };
// A marker opens after a space or punctuation and closes before one: 2*3*4 and snake_case stay as typed.
const OPENS_AFTER = /[\s\p{P}\p{S}]/u;
const SPACE = /\s/;

const CODE_BLOCK = /```\n?([\s\S]*?)\n?```/g;
// One backtick each side, not part of a run of them (`` and ``` stay as typed).
const INLINE_CODE = /(?<!`)`([^`\n]+)`(?!`)/g;

export function formatMessage(body: string): FormatNode[] {
  return splitOn(body, CODE_BLOCK, 'block', (text) => splitOn(text, INLINE_CODE, 'code', emphasised));
}

/** Text cut by a code pattern: each non-blank match becomes a `kind` node, the text between goes to `between`. */
function splitOn(text: string, pattern: RegExp, kind: 'block' | 'code', between: (text: string) => FormatNode[]): FormatNode[] {
  const nodes: FormatNode[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (!match[1].trim()) continue;
    nodes.push(...between(text.slice(last, match.index)));
    nodes.push({ kind, text: match[1] });
    last = match.index + match[0].length;
  }
  nodes.push(...between(text.slice(last)));
  return nodes;
}

type LinkSpan = { start: number; end: number; text: string; href: string };

function emphasised(text: string): FormatNode[] {
  if (!text) return [];
  const links: LinkSpan[] = [];
  let at = 0;
  for (const part of linkify(text)) {
    if (part.kind === 'link') links.push({ start: at, end: at + part.text.length, text: part.text, href: part.href });
    at += part.text.length;
  }
  return within(text, 0, text.length, links);
}

/** The nodes of text[from, to): links kept whole, emphasis where a marker opens and closes on one line. */
function within(text: string, from: number, to: number, links: LinkSpan[]): FormatNode[] {
  const nodes: FormatNode[] = [];
  let plainFrom = from;
  const flush = (until: number) => {
    if (until > plainFrom) nodes.push({ kind: 'text', text: text.slice(plainFrom, until) });
  };
  let index = from;
  while (index < to) {
    const link = links.find((span) => span.start === index);
    if (link && link.end <= to) {
      flush(index);
      nodes.push({ kind: 'link', text: link.text, href: link.href });
      index = plainFrom = link.end;
      continue;
    }
    const kind = EMPHASIS[text[index]];
    if (kind) {
      // Doubled (**bold**, ~~strike~~) as Markdown writers type it; single as WhatsApp and Slack do.
      const marker = kind !== 'italic' && text[index + 1] === text[index] ? text[index].repeat(2) : text[index];
      const close = closingAt(text, index, marker, to, links);
      if (close !== null) {
        flush(index);
        nodes.push({ kind, children: within(text, index + marker.length, close, links) });
        index = plainFrom = close + marker.length;
        continue;
      }
    }
    index += 1;
  }
  flush(to);
  return nodes;
}

function closingAt(text: string, open: number, marker: string, to: number, links: LinkSpan[]): number | null {
  const before = text[open - 1];
  const first = text[open + marker.length];
  if ((before !== undefined && !OPENS_AFTER.test(before)) || first === undefined || SPACE.test(first) || first === marker[0]) return null;
  for (let index = open + marker.length + 1; index + marker.length <= to; index += 1) {
    if (text[index] === '\n') return null;
    if (!text.startsWith(marker, index) || SPACE.test(text[index - 1]) || text[index - 1] === marker[0]) continue;
    const after = text[index + marker.length];
    if (after === marker[0] || (after !== undefined && !OPENS_AFTER.test(after))) continue;
    // A link may sit wholly inside the emphasis, never across its edge.
    if (links.some((span) => span.start < index && index < span.end)) continue;
    return index;
  }
  return null;
}
