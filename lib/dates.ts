// One formatter each, made once: toLocale*String builds a new Intl formatter on every call, which cost
// a busy conversation most of its rendering time (a list re-rendered per incoming message).
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const longDateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat();
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullDateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** "Today", "Yesterday", a weekday within the last week, else the full date: the list's day separators. */
export function dayLabel(at: Date, now = new Date()): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(at);
  return longDateFormat.format(at);
}

export const startOfDay = (at: Date) => new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();

export const sameDay = (a: Date, b: Date) => startOfDay(a) === startOfDay(b);

export const timeOf = (at: Date) => timeFormat.format(at);

/** The date in the reader's own short form ("05/12/2026"). */
export const dateOf = (at: Date) => dateFormat.format(at);

/** "5 Dec", short (the conversation list); "5 Dec 2025" for a day of another year, which would read as this one's. */
export const shortDate = (at: Date, now = new Date()) => (at.getFullYear() === now.getFullYear() ? shortDateFormat : shortDateYearFormat).format(at);

/** The full date and time, shown on hover (and to screen readers) next to a short time. */
export const fullDateTime = (at: Date) => fullDateTimeFormat.format(at);

/** Messages from one sender this close together are shown under one name and avatar. */
export const GROUP_WITHIN_MS = 5 * 60_000;
