// What any text a user writes may hold: one set of rules for message bodies, display and group names.

/**
 * Control characters (C0 other than tab and newlines, DEL, C1: U+0085 is a newline to some, U+009B starts a
 * terminal escape), the bidi overrides and isolates used to disguise text, and the interlinear annotation
 * marks (U+FFF9–U+FFFB) that hide the text between them.
 */
export const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB]/;

/** Names are one line: no tab or newline either, nor the line and paragraph separators (U+2028, U+2029). */
export const FORBIDDEN_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB]/;

// A high surrogate not followed by a low one, or a low one not preceded by a high one: not text at all.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Whitespace, format characters (zero-width space and joiners, word joiner, BOM, soft hyphen…), the
// fillers that render as blanks (Hangul fillers, combining grapheme joiner, Braille blank) and variation
// selectors (marks that only choose how the character before them looks).
const BLANKS = '\\s\\p{Cf}\\p{Z}\\u034F\\u115F\\u1160\\u2800\\u3164\\uFFA0\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}';
const INVISIBLE_ONLY = new RegExp(`^[${BLANKS}]*$`, 'u');
/** Every character of those kinds: what is left when they are taken out is what a reader can tell apart. */
export const INVISIBLE_CHARACTERS = new RegExp(`[${BLANKS}]`, 'gu');

export const hasLoneSurrogate = (text: string) => LONE_SURROGATE.test(text);

/** The text with each lone surrogate made U+FFFD, as Postgres would store it: for text we clean rather than refuse. */
export const wellFormed = (text: string) => text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');

/** True for text that shows nothing: empty, blank, or only zero-width and filler characters. */
export const isInvisible = (text: string) => INVISIBLE_ONLY.test(text);

/** At most `max` UTF-16 units of `text`, never ending in half of a character outside the BMP (an emoji). */
export function shorten(text: string, max: number): string {
  const cut = text.slice(0, max);
  return cut.length < text.length && /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
