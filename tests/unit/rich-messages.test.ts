import { describe, expect, it } from 'vitest';
import { humanSize } from '@/lib/file-size';
import { mentionSpans, parseMentions } from '@/lib/mentions';
import { emojiSchema } from '@/lib/schemas';
import { highlightOffsets } from '@/server/messages/highlights';

describe('parseMentions', () => {
  it('finds @handles, lower-cased and once each, but not e-mail addresses or words glued to them', () => {
    expect(parseMentions('hi @Bob and @carol_1, @bob again')).toEqual(['bob', 'carol_1']);
    expect(parseMentions('mail me at x@bob.com or a@bc')).toEqual([]);
    expect(parseMentions('(@dave.) @ab @eve-x:')).toEqual(['dave', 'eve-x']);
  });
});

describe('emojiSchema', () => {
  it('takes one emoji, joined sequences and flags included, and nothing else', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇫🇷']) expect(emojiSchema.safeParse(emoji).success, emoji).toBe(true);
    for (const text of ['', 'ok', '👍👍', 'a👍', ' 👍', '1']) expect(emojiSchema.safeParse(text).success, text).toBe(false);
  });
});

describe('highlightOffsets', () => {
  it('turns marks into offsets into the body, in UTF-16 units', () => {
    const body = 'née 🐟 fish, Fish!';
    const headline = 'née 🐟 \u0001fish\u0002, \u0001Fish\u0002!';
    expect(highlightOffsets(headline, body).map(({ start, end }) => body.slice(start, end))).toEqual(['fish', 'Fish']);
  });

  it('gives no offsets when the headline does not spell the body out', () => {
    expect(highlightOffsets('\u0001fish\u0002 …', 'fish and chips')).toEqual([]);
  });
});

describe('mentionSpans (the client highlights these)', () => {
  it('gives each @handle with its offsets, by the same rule as parseMentions', () => {
    const body = 'hi @Bob, see x@bob.com and @carol.';
    expect(mentionSpans(body).map(({ start, end, handle }) => [body.slice(start, end), handle])).toEqual([
      ['@Bob', 'bob'],
      ['@carol', 'carol'],
    ]);
  });
});

describe('humanSize', () => {
  it('reads as people read sizes', () => {
    expect([900, 2048, 1536 * 1024, 25 * 1024 * 1024].map(humanSize)).toEqual(['900 B', '2.0 KB', '1.5 MB', '25 MB']);
  });
});
