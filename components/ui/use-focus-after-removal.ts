'use client';

import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';

/**
 * Keeps keyboard focus in a list whose focused row or control goes away (a person unblocked, a session
 * signed out, a report closed, a Ban button that became Restore): on the first control of the row now in
 * its place, else of the row before, else on `fallback` or the heading of the section around the list.
 * Without it focus falls to <body> and a keyboard user starts over.
 */
export function useFocusAfterRemoval(list: RefObject<HTMLElement | null>, rows: unknown[], fallback?: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined)) {
  // The focused row, its place and its neighbours: a row that stays (its control replaced) keeps the focus,
  // and a list reloaded in another order (sessions sorted by last use) still has the neighbours, where the
  // row now at that place may be another one.
  const focusedRow = useRef<{ row: Element; index: number; next: Element | null; previous: Element | null } | null>(null);
  // The row: the list's child holding the focus (an <li>, or the control itself in a row of buttons).
  const remember = (element: HTMLElement, target: Node) => {
    const index = [...element.children].findIndex((child) => child.contains(target));
    const row = element.children[index];
    focusedRow.current = row ? { row, index, next: row.nextElementSibling, previous: row.previousElementSibling } : null;
  };
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const onFocusIn = (event: FocusEvent) => remember(element, event.target as Node);
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
    const focused = focusedRow.current;
    const active = document.activeElement;
    // Still in the list after a change of rows (a reload that brought new ones): its neighbours now.
    if (active && list.current?.contains(active)) return remember(list.current, active);
    if (focused === null || (active && active !== document.body)) return;
    focusedRow.current = null;
    const remaining = list.current?.children ?? [];
    const stillListed = (row: Element | null) => (row?.parentElement === list.current ? row : null);
    const row = stillListed(focused.row) ?? stillListed(focused.next) ?? stillListed(focused.previous) ?? remaining[Math.min(focused.index, remaining.length - 1)];
    const control = row?.matches('input, button, a') ? (row as HTMLElement) : row?.querySelector<HTMLElement>('input, button, a');
    const instead = typeof fallback === 'function' ? fallback() : fallback?.current;
    const target = control ?? instead ?? list.current?.closest('section')?.querySelector<HTMLElement>('h2');
    target?.focus();
    // Only a change of rows can take the focused one away.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);
}
