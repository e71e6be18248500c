'use client';

import { useEffect, useState } from 'react';
import { startOfDay } from '@/lib/dates';

/**
 * The start of today, local time, changing at midnight: a component that labels days ("Today", a time or a
 * date) re-renders then, not only when a message comes. Checked again when the page is shown or focused: a
 * laptop asleep over midnight may fire the timer late.
 */
export function useToday(): number {
  const [today, setToday] = useState(() => startOfDay(new Date()));
  useEffect(() => {
    const check = () => setToday(startOfDay(new Date()));
    let timer: ReturnType<typeof setTimeout>;
    const untilMidnight = () => {
      const now = new Date();
      const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
      timer = setTimeout(() => {
        check();
        untilMidnight();
      }, midnight - now.getTime() + 500);
    };
    untilMidnight();
    document.addEventListener('visibilitychange', check);
    window.addEventListener('focus', check);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', check);
      window.removeEventListener('focus', check);
    };
  }, []);
  return today;
}
