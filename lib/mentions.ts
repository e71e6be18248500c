// `@handle` as written in a body: not glued to a word or an email address before it.
const MENTION = /(?<![\p{L}\p{N}_.@-])@([a-z0-9_.-]{3,32})(?![a-z0-9_-])/giu;

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
