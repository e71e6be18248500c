'use client';

import { useSyncExternalStore } from 'react';
import { startOfDay } from '@/lib/dates';

// What shown times depend on besides the message: the day (at midnight "Today" becomes "Yesterday", a
// time becomes a date) and the time zone (a laptop that landed in another one). Checked at midnight, and
// when the page is shown or focused: a laptop asleep over midnight may fire the timer late, and no event
// says that the zone changed. Components read them through useSyncExternalStore, so only those whose
// value changed render again.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
const tell = () => {
  for (const listener of listeners) listener();
  untilMidnight();
};
function untilMidnight() {
  clearTimeout(timer);
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
  timer = setTimeout(tell, midnight - now.getTime() + 500);
}
function subscribe(listener: () => void) {
  listeners.add(listener);
  if (listeners.size === 1) {
    untilMidnight();
    document.addEventListener('visibilitychange', tell);
    window.addEventListener('focus', tell);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', tell);
    window.removeEventListener('focus', tell);
  };
}

const today = () => startOfDay(new Date());
const zoneOffset = () => new Date().getTimezoneOffset();

/** The start of today, local time: changes at midnight, and with the time zone. */
export function useToday(): number {
  return useSyncExternalStore(subscribe, today, today);
}

/** The time zone's offset now: a component showing a time renders again when it changes. */
export function useTimeZone(): number {
  return useSyncExternalStore(subscribe, zoneOffset, zoneOffset);
}
