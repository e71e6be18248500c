'use client';

import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';

/**
 * Keeps keyboard focus in a list whose focused row or control goes away (a person unblocked, a session
 * signed out, a report closed, a Ban button that became Restore): on the first control of the row now in
 * its place, else of the row before, else on `fallback` or the heading of the section around the list.
 * Without it focus falls to <body> and a keyboard user starts over.
 */
export function useFocusAfterRemoval(list: RefObject<HTMLElement | null>, rows: unknown[], fallback?: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined)) {
  const focusedRow = useRef<number | null>(null);
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const onFocusIn = (event: FocusEvent) => {
      // The row: the list's child holding the focus (an <li>, or the control itself in a row of buttons).
      const index = [...element.children].findIndex((child) => child.contains(event.target as Node));
      focusedRow.current = index === -1 ? null : index;
    };
    // Focus moved on elsewhere: nothing to keep. (A removed row takes focus with it, with no new target.)
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget instanceof Node && !element.contains(event.relatedTarget)) focusedRow.current = null;
    };
    element.addEventListener('focusin', onFocusIn);
    element.addEventListener('focusout', onFocusOut);
    return () => {
      element.removeEventListener('focusin', onFocusIn);
      element.removeEventListener('focusout', onFocusOut);
    };
  }, [list]);
  useLayoutEffect(() => {
    const index = focusedRow.current;
    const active = document.activeElement;
    if (index === null || (active && active !== document.body)) return;
    focusedRow.current = null;
    const remaining = list.current?.children ?? [];
    const row = remaining[Math.min(index, remaining.length - 1)];
    const control = row?.matches('input, button, a') ? (row as HTMLElement) : row?.querySelector<HTMLElement>('input, button, a');
    const instead = typeof fallback === 'function' ? fallback() : fallback?.current;
    const target = control ?? instead ?? list.current?.closest('section')?.querySelector<HTMLElement>('h2');
    target?.focus();
    // Only a change of rows can take the focused one away.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);
}
