/** "Today", "Yesterday", a weekday within the last week, else the full date: the list's day separators. */
export function dayLabel(at: Date, now = new Date()): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return at.toLocaleDateString([], { weekday: 'long' });
  return at.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export const startOfDay = (at: Date) => new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();

export const sameDay = (a: Date, b: Date) => startOfDay(a) === startOfDay(b);

export const timeOf = (at: Date) => at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The full date and time, shown on hover (and to screen readers) next to a short time. */
export const fullDateTime = (at: Date) => at.toLocaleString([], { dateStyle: 'full', timeStyle: 'short' });

/** Messages from one sender this close together are shown under one name and avatar. */
export const GROUP_WITHIN_MS = 5 * 60_000;
