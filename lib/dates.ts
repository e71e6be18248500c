/**
 * Dates and times as the reader reads them. The page is in English, and so are its dates: in the reader's
 * own English (en-GB, en-IN…) when the browser asks for one, else in plain English on the reader's own
 * clock (24-hour in Germany). "Today" above "Freitag" read as neither language.
 */
type Reader = { locale: string; hourCycle: 'h12' | 'h23' };
function readerLocale(): Reader {
  const own = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions();
  const hour12 = own.hourCycle ? own.hourCycle === 'h11' || own.hourCycle === 'h12' : Boolean(own.hour12);
  // The cycle by name: `hour12: false` gives 'en' the 1–24 clock in some engines ("24:05" after midnight).
  return { locale: /^en\b/i.test(own.locale) ? own.locale : 'en', hourCycle: hour12 ? 'h12' : 'h23' };
}

// One formatter each, made once per time zone: toLocale*String builds a new Intl formatter on every call,
// which cost a busy conversation most of its rendering time (a list re-rendered per incoming message).
// They are made again when the zone's offset changes (a laptop that landed, daylight saving): a formatter
// keeps the zone it was made in, and its times would be the old zone's under the new zone's day labels.
export function makeFormats({ locale, hourCycle }: Reader = readerLocale()) {
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options);
  const clock = { hour: '2-digit', minute: '2-digit', hourCycle } as const;
  return {
    weekday: format({ weekday: 'long' }),
    longDate: format({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    time: format(clock),
    shortDate: format({ day: 'numeric', month: 'short' }),
    shortDateYear: format({ day: 'numeric', month: 'short', year: 'numeric' }),
    fullDateTime: format({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', ...clock }),
  };
}
let made: { offset: number; formats: ReturnType<typeof makeFormats> } | null = null;
function formats() {
  const offset = new Date().getTimezoneOffset();
  if (made?.offset !== offset) made = { offset, formats: makeFormats() };
  return made.formats;
}

const daysBetween = (at: Date, now: Date) => Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);

/** "Today", "Yesterday", a weekday within the last week, else the full date: the list's day separators. */
export function dayLabel(at: Date, now = new Date()): string {
  const days = daysBetween(at, now);
  // A day ahead of the reader's is today: a server stamp a little ahead of a slow clock, near midnight.
  if (days <= 0) return days === 0 || days === -1 ? 'Today' : formats().longDate.format(at);
  if (days === 1) return 'Yesterday';
  if (days < 7) return formats().weekday.format(at);
  return formats().longDate.format(at);
}

export const startOfDay = (at: Date) => new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();

export const sameDay = (a: Date, b: Date) => startOfDay(a) === startOfDay(b);

export const timeOf = (at: Date) => formats().time.format(at);

/** "5 Dec", short (the conversation list); "5 Dec 2025" for a day of another year, which would read as this one's. */
export const shortDate = (at: Date, now = new Date()) => (at.getFullYear() === now.getFullYear() ? formats().shortDate : formats().shortDateYear).format(at);

/** Today's by time, older by date (with its year if not this year's), as in the usual messengers: lists and results. */
export const timeOrDate = (at: Date, now = new Date()) => (sameDay(at, now) ? timeOf(at) : shortDate(at, now));

/** A moment near now, by its time and the day it falls on: "14:02", "yesterday 21:40", "tomorrow 07:00", "5 Dec, 14:02". */
export function timeWithDay(at: Date, now = new Date()): string {
  const days = daysBetween(at, now);
  const day = days === 0 ? '' : days === 1 ? 'yesterday ' : days === -1 ? 'tomorrow ' : `${shortDate(at, now)}, `;
  return `${day}${timeOf(at)}`;
}

/** A wall-clock time given as "HH:MM" (quiet hours), on the reader's clock: "22:30" or "10:30 PM". */
export function clockTime(hhmm: string): string {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return timeOf(new Date(2000, 0, 1, hours, minutes));
}

/** The full date and time, shown on hover (and to screen readers) next to a short time. */
export const fullDateTime = (at: Date) => formats().fullDateTime.format(at);

/** Messages from one sender this close together are shown under one name and avatar. */
export const GROUP_WITHIN_MS = 5 * 60_000;
