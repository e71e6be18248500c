'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { type PanelMode, panelOn, panelState } from './history-entry';

/**
 * The details panel as a step in the history: opening it adds an entry (same address), so Back closes the
 * panel rather than the conversation under it (on a phone it covers the conversation, and Back is the
 * system's button). Closing it from the page goes back over that entry; Forward and a reload on it open
 * it again.
 */
export function useDetailsPanel(roomId: string | undefined) {
  const [panel, setPanel] = useState<PanelMode | null>(null);
  // Going back over the panel's entry lands later: what is asked for meanwhile is done once it has landed.
  const steppingBack = useRef<{ then: PanelMode | null } | null>(null);

  useEffect(() => {
    if (!roomId) return;
    const followHistory = () => {
      const stepped = steppingBack.current;
      steppingBack.current = null;
      if (stepped?.then) window.history.pushState(panelState(roomId, stepped.then), '');
      setPanel(panelOn(roomId));
    };
    followHistory();
    window.addEventListener('popstate', followHistory);
    return () => window.removeEventListener('popstate', followHistory);
  }, [roomId]);

  const show = useCallback(
    (mode: PanelMode | null) => {
      if (!roomId) return;
      setPanel(mode);
      const open = panelOn(roomId);
      if (steppingBack.current) steppingBack.current.then = mode;
      else if (mode && open) window.history.replaceState({ ...window.history.state, ...panelState(roomId, mode) }, '');
      else if (mode) window.history.pushState(panelState(roomId, mode), '');
      else if (open) {
        steppingBack.current = { then: null };
        window.history.back();
      }
    },
    [roomId],
  );

  return [panel, show] as const;
}
