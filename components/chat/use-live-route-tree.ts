'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';

const NEXT_TREE_KEY = '__PRIVATE_NEXTJS_INTERNALS_TREE';
const isChatPath = (pathname: string) => pathname === '/' || pathname.startsWith('/c/');

/**
 * The chat moves its address with pushState (use-room-route.ts), so each entry holds the route tree Next
 * had then, not one of the address's own; the page renders nothing, so in one document that never
 * matters. But an entry from before a reload holds the old document's tree, and Next, asked to go Back
 * through two of them, stalled for good (the address moved, the chat did not, nor ever again until a
 * reload). Between chat addresses, Back and Forward therefore restore the tree the chat is rendered with:
 * set on the entry before Next's own listener (capture runs first) reads it.
 */
export function useLiveRouteTree() {
  const pathname = usePathname();
  // The route tree Next renders the chat with, as its latest history entry holds it.
  const liveTree = useRef<unknown>(null);

  useEffect(() => {
    liveTree.current = window.history.state?.[NEXT_TREE_KEY] ?? liveTree.current;
  }, [pathname]);

  useEffect(() => {
    const adoptLiveTree = (event: PopStateEvent) => {
      const state = event.state as Record<string, unknown> | null;
      if (!state?.__NA || !liveTree.current || !isChatPath(window.location.pathname)) return;
      state[NEXT_TREE_KEY] = liveTree.current;
      window.history.replaceState(state, '');
    };
    window.addEventListener('popstate', adoptLiveTree, { capture: true });
    return () => window.removeEventListener('popstate', adoptLiveTree, { capture: true });
  }, []);
}
