'use client';

import { useSyncExternalStore } from 'react';

const neverChanges = () => () => {};

/**
 * False while the page is still the server's HTML, its script not yet run; true from then on. A button or
 * radio rendered on the server looks pressable at once, but a press before the script runs does nothing,
 * not even later: such controls are off until then (`disabled={!hydrated}`). Text fields stay on: what is
 * typed early is kept (use-early-typing.ts).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    neverChanges,
    () => true,
    () => false,
  );
}
