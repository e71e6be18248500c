'use client';

import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';

/** Tailwind's `md`: from this width the details panel sits beside the messages; below it covers them. */
const PANEL_BESIDE = '(min-width: 768px)';

const subscribeToWidth = (changed: () => void) => {
  const query = window.matchMedia(PANEL_BESIDE);
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
};

/** Whether an open details panel covers the conversation (a phone's width), hiding its messages from the reader. */
export function usePanelCovers(open: boolean): boolean {
  const beside = useSyncExternalStore(subscribeToWidth, () => window.matchMedia(PANEL_BESIDE).matches, () => true);
  return open && !beside;
}

/**
 * Whether the reader can see the conversation's messages: its tab shown, and no panel over them. What is
 * out of sight is not read, and a view that follows new messages to the bottom stops following (they would
 * scroll past unseen). `onChange` runs as that changes (the tab shown or hidden, a covering panel opened or
 * closed); `inSight()` says it now.
 */
export function useConversationSight(covered: boolean, onChange: (inSight: boolean) => void) {
  const coveredNow = useRef(covered);
  coveredNow.current = covered;
  const latest = useRef(onChange);
  latest.current = onChange;
  const inSight = useRef(() => document.visibilityState === 'visible' && !coveredNow.current).current;
  useEffect(() => {
    const changed = () => latest.current(inSight());
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, [inSight]);
  // Before the paint, as a tab shown again is told: the view moves before the old place shows.
  const opened = useRef(true);
  useLayoutEffect(() => {
    if (opened.current) opened.current = false;
    else latest.current(inSight());
  }, [covered, inSight]);
  return inSight;
}
