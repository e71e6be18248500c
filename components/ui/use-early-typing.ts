'use client';

import { type RefObject, useEffect } from 'react';

/**
 * Hands text typed into a server-rendered field before the page's script took over to `adopt`.
 * React keeps such text in the field when it hydrates but fires no change for it, so the state
 * would stay empty while the field shows the text: a search typed on a slow phone would never run.
 */
export function useEarlyTyping(field: RefObject<HTMLInputElement | null>, adopt: (typed: string) => void) {
  useEffect(() => {
    const typed = field.current?.value;
    if (typed) adopt(typed);
    // Once, on mount: afterwards every keystroke reaches onChange.
  }, []);
}
