// `@handle` as written in a body: not glued to a word, an email address or a path before it, nor anywhere
// in a link (medium.com/@bob, ?to=@bob: a link names a page, not a person, as in the usual messengers).
const NOT_IN_LINK = String.raw`(?<![\p{L}\p{N}_.@/-])(?<!(?:https?:\/\/|www\.)\S*)`;
const MENTION = new RegExp(`${NOT_IN_LINK}@([a-z0-9_.-]{3,32})(?![a-z0-9_-])`, 'giu');

/** The distinct handles a body names with @, lower-cased, in order. Which of them count is the server's call. */
export function parseMentions(body: string): string[] {
  const handles = [...body.matchAll(MENTION)].map((match) => match[1].toLowerCase().replace(/\.+$/, ''));
  return [...new Set(handles.filter((handle) => handle.length >= 3))];
}

/** Where a body names `@handle`s (same rule as parseMentions), for highlighting: [start, end) offsets and the handle. */
export function mentionSpans(body: string): { start: number; end: number; handle: string }[] {
  return [...body.matchAll(MENTION)].map((match) => {
    const handle = match[1].toLowerCase().replace(/\.+$/, '');
    const start = match.index ?? 0;
    return { start, end: start + 1 + handle.length, handle };
  });
}

/** The `@handle` being typed at the caret: from its @ to the end of the word the caret is in, and what is typed so far (lower-cased). */
export type MentionTyped = { start: number; end: number; query: string };

// What follows the @ may be the start of a name in any script (a handle is a-z0-9_.-, a name is not).
const TYPED_BEFORE_CARET = new RegExp(`${NOT_IN_LINK}@([\\p{L}\\p{M}\\p{N}_.-]{0,32})$`, 'iu');
const HANDLE_REST = /^[\p{L}\p{M}\p{N}_.-]*/u;

/** The mention being typed where the caret is (the same rule as parseMentions), or null. */
export function mentionTypedAt(body: string, caret: number): MentionTyped | null {
  const before = TYPED_BEFORE_CARET.exec(body.slice(0, caret));
  if (!before) return null;
  // A dot ending the word ends a sentence, not the handle (as parseMentions reads it).
  const rest = HANDLE_REST.exec(body.slice(caret))![0].replace(/\.+$/, '');
  return { start: before.index, end: caret + rest.length, query: before[1].toLowerCase() };
}

/** Lower case without accents, so "emi" finds Émile and "ив" Иван. */
const folded = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Who a typed `@query` may name, best first: those whose handle starts with it, then those with a word of
 * their name starting with it (accents aside), each by name; at most `limit`.
 */
export function mentionChoices<Person extends { handle: string; displayName: string }>(people: Person[], query: string, limit = 8): Person[] {
  const byHandle: Person[] = [];
  const byName: Person[] = [];
  const typed = folded(query);
  for (const person of people) {
    if (person.handle.startsWith(typed)) byHandle.push(person);
    else if (folded(person.displayName).split(/\s+/).some((word) => word.startsWith(typed))) byName.push(person);
  }
  const byDisplayName = (a: Person, b: Person) => a.displayName.localeCompare(b.displayName) || a.handle.localeCompare(b.handle);
  return [...byHandle.sort(byDisplayName), ...byName.sort(byDisplayName)].slice(0, limit);
}

/**
 * The body with the typed mention replaced by `@handle`, and where the caret goes: past a space after it,
 * added unless punctuation or a space already follows.
 */
export function insertMention(body: string, typed: MentionTyped, handle: string): { body: string; caret: number } {
  const rest = body.slice(typed.end);
  const written = `@${handle}${rest === '' || /^[\p{L}\p{N}]/u.test(rest) ? ' ' : ''}`;
  return { body: body.slice(0, typed.start) + written + rest, caret: typed.start + written.length + (rest.startsWith(' ') ? 1 : 0) };
}
