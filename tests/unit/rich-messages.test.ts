import { describe, expect, it } from 'vitest';
import { humanSize } from '@/lib/file-size';
import { insertMention, mentionChoices, mentionSpans, mentionTypedAt, parseMentions } from '@/lib/mentions';
import { emojiSchema } from '@/lib/schemas';
import { highlightOffsets } from '@/server/messages/highlights';

describe('parseMentions', () => {
  it('finds @handles, lower-cased and once each, but not e-mail addresses or words glued to them', () => {
    expect(parseMentions('hi @Bob and @carol_1, @bob again')).toEqual(['bob', 'carol_1']);
    expect(parseMentions('mail me at x@bob.com or a@bc')).toEqual([]);
    expect(parseMentions('(@dave.) @ab @eve-x:')).toEqual(['dave', 'eve-x']);
  });

  it('does not read an @ inside a link as a mention (medium.com/@bob), though one right after a link is', () => {
    expect(parseMentions('read https://medium.com/@bob/post and www.example.com/x?to=@carol or http://x.io/@dave')).toEqual([]);
    expect(parseMentions('see HTTPS://example.com/a @bob, and example.com/@carol')).toEqual(['bob']);
    expect(mentionSpans('https://x.io/@bob @bob').map(({ start }) => start)).toEqual([18]);
    expect(mentionTypedAt('https://medium.com/@bo', 22)).toBeNull();
  });
});

describe('emojiSchema', () => {
  it('takes one emoji, joined sequences and flags included, and nothing else', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇫🇷']) expect(emojiSchema.safeParse(emoji).success, emoji).toBe(true);
    // Half a flag (one regional indicator) shows as a boxed letter: not an emoji.
    for (const text of ['', 'ok', '👍👍', 'a👍', ' 👍', '1', '🇫', '🇿']) expect(emojiSchema.safeParse(text).success, text).toBe(false);
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

describe('mention suggestions (the message box)', () => {
  it('finds the mention being typed at the caret, not one glued to a word or an address', () => {
    expect(mentionTypedAt('hi @Bo', 6)).toEqual({ start: 3, end: 6, query: 'bo' });
    expect(mentionTypedAt('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    // The caret inside a handle: the whole word is what gets replaced.
    expect(mentionTypedAt('hi @bob_s there', 6)).toEqual({ start: 3, end: 9, query: 'bo' });
    expect(mentionTypedAt('mail me@bob', 11)).toBeNull();
    expect(mentionTypedAt('hi @bob there', 13)).toBeNull();
    expect(mentionTypedAt('hi @bob there', 2)).toBeNull();
    expect(mentionTypedAt('ask @bo. ok', 7)).toEqual({ start: 4, end: 7, query: 'bo' });
  });

  it('puts handles that start with the query first, then names with a word that does, each by name', () => {
    const people = [
      { handle: 'zed', displayName: 'Carol Zed' },
      { handle: 'carol2', displayName: 'Another Carol' },
      { handle: 'carol', displayName: 'Carol' },
      { handle: 'dave', displayName: 'Dave' },
    ];
    expect(mentionChoices(people, 'car').map((person) => person.handle)).toEqual(['carol2', 'carol', 'zed']);
    expect(mentionChoices(people, 'zed').map((person) => person.handle)).toEqual(['zed']);
    expect(mentionChoices(people, '').map((person) => person.handle)).toEqual(['carol2', 'carol', 'zed', 'dave']);
    expect(mentionChoices(people, '', 2)).toHaveLength(2);
    expect(mentionChoices(people, 'x')).toEqual([]);
  });

  it('finds a name by its start in any script, accents aside, as typed after the @', () => {
    const people = [
      { handle: 'zz_writer', displayName: 'Émile Zola' },
      { handle: 'vanya', displayName: 'Иван Петров' },
      { handle: 'bob', displayName: 'Bob' },
    ];
    expect(mentionTypedAt('thanks @ив', 10)).toEqual({ start: 7, end: 10, query: 'ив' });
    expect(mentionTypedAt('thanks @Émi ok', 11)).toEqual({ start: 7, end: 11, query: 'émi' });
    expect(mentionChoices(people, 'emi').map((person) => person.handle)).toEqual(['zz_writer']);
    expect(mentionChoices(people, 'émi').map((person) => person.handle)).toEqual(['zz_writer']);
    expect(mentionChoices(people, 'ив').map((person) => person.handle)).toEqual(['vanya']);
    expect(mentionChoices(people, 'пет').map((person) => person.handle)).toEqual(['vanya']);
    const typed = mentionTypedAt('thanks @ив', 10)!;
    expect(insertMention('thanks @ив', typed, 'vanya')).toEqual({ body: 'thanks @vanya ', caret: 14 });
  });

  it('writes the chosen handle with one space after it, and puts the caret past that space', () => {
    expect(insertMention('hi @bo', { start: 3, end: 6, query: 'bo' }, 'bob')).toEqual({ body: 'hi @bob ', caret: 8 });
    expect(insertMention('hi @bo there', { start: 3, end: 6, query: 'bo' }, 'bob')).toEqual({ body: 'hi @bob there', caret: 8 });
    expect(insertMention('@b, ok', { start: 0, end: 2, query: 'b' }, 'bob')).toEqual({ body: '@bob, ok', caret: 4 });
    expect(insertMention('@b', mentionTypedAt('@b', 2)!, 'bob')).toEqual({ body: '@bob ', caret: 5 });
    // A sentence's full stop stays.
    expect(insertMention('ask @bo. ok', mentionTypedAt('ask @bo. ok', 7)!, 'bob')).toEqual({ body: 'ask @bob. ok', caret: 8 });
  });
});
