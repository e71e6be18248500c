'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef } from 'react';
import { useChatStore } from '../providers/chat-provider';
import type { PublicUser } from '@/lib/schemas';
import { draftInEntry, draftState, fromListState, onPanelEntry, openedFromList } from './history-entry';
import { useLiveRouteTree } from './use-live-route-tree';

export const LAST_CHAT_PATH_KEY = 'relay:last-chat-path';

export const roomIdFromPath = (pathname: string) => (pathname.startsWith('/c/') ? decodeURIComponent(pathname.slice(3).split('/')[0]) : null);

/**
 * Keeps the open conversation and the address in step: `/c/<roomId>` opens it (deep links, reload,
 * Back), and opening one anywhere in the app (list, search, a new group) moves the address there.
 */
export function useRoomRoute() {
  useLiveRouteTree();
  const pathname = usePathname();
  const router = useRouter();
  const store = useChatStore();
  // The address we asked for and the router has not reached yet: addresses on the way are not obeyed.
  const pending = useRef<string | null>(null);
  // Closing a conversation opened from the list, or leaving the details panel's entry, goes Back, which
  // lands later (the history moves asynchronously): an address pushed before it lands is the one it leaves,
  // so what the app opens meanwhile waits here and is pushed once it has landed.
  const goingBack = useRef<{ then: string } | null>(null);

  const isGone = useCallback(
    (path: string) => {
      const roomId = roomIdFromPath(path);
      const { rooms, requests, roomsStatus } = store.getState();
      return roomId !== null && roomsStatus === 'ready' && !rooms[roomId] && !requests.some((request) => request.roomId === roomId);
    },
    [store],
  );

  // A draft's step (followDraft) whose draft is no longer the one open.
  const onClosedDraftStep = useCallback(() => {
    const draft = draftInEntry();
    return draft !== null && store.getState().draftPeer?.handle !== draft.handle;
  }, [store]);

  const follow = useCallback(
    (target: string) => {
      if (goingBack.current) {
        goingBack.current.then = target;
        return;
      }
      const here = window.location.pathname;
      const settled = pending.current === null;
      const draftClosed = settled && onClosedDraftStep();
      if (settled && ((onPanelEntry() && target !== here) || (draftClosed && target === '/'))) {
        // A step at the address of the entry before it (the details panel's once the conversation
        // changes, a draft's once closed) that this move leaves behind: step off it first, or Back from
        // where we go would reopen what it held. The address stays, so the move is seen landing by its
        // popstate, not by the pathname.
        goingBack.current = { then: target };
        window.addEventListener(
          'popstate',
          () => {
            const landed = goingBack.current;
            goingBack.current = null;
            if (landed) follow(landed.then);
          },
          { once: true },
        );
        return window.history.back();
      }
      // An address still on its way counts as where we are: switching back to this page before it
      // lands must still navigate, or it lands late and takes the open conversation with it.
      if (target === (pending.current ?? here)) return;
      // Back to the address we are at: nothing will change it, so there is nothing to wait for.
      pending.current = target === here ? null : target;
      // A first message to someone opened over a conversation (wide screens) opens, not closes: its step
      // is pushed at `/` holding it, so Back returns to the conversation it covered.
      const draft = target === '/' ? store.getState().draftPeer : null;
      // Closing a conversation opened from the list goes back to the list's entry instead of adding one,
      // so the phone's Back then leaves the app rather than reopening every conversation closed on the way.
      if (target === '/' && settled && openedFromList() && !draft) {
        goingBack.current = { then: target };
        return router.back();
      }
      // The browser's own pushState, which Next's router follows (usePathname) without asking the server
      // for the page: the chat's pages render nothing of their own (the layout renders the chat), so a
      // switch costs no request and works offline, where router.push fell back to reloading the page.
      // An address that shows nothing any more (a group left, a request declined, a conversation not
      // ours) is replaced instead, so Back does not return to it; so is a draft's step by the conversation
      // its first message made (or any opened from it), in one move, with nothing to wait for.
      const state = here === '/' && settled && target !== '/' ? fromListState() : draft ? draftState(draft) : null;
      if (settled && (isGone(here) || draftClosed)) window.history.replaceState(state, '', target);
      else window.history.pushState(state, '', target);
    },
    [router, store, isGone, onClosedDraftStep],
  );

  // A first message to someone (a draft) has no address of its own: opened at the list's, it is a step of
  // its own there, so a phone's Back closes it rather than leaving the app, and Forward or a reload on it
  // opens it again.
  const followDraft = useCallback(
    (peer: PublicUser | null) => {
      if (goingBack.current || pending.current || window.location.pathname !== '/') return;
      const inEntry = draftInEntry();
      if (!peer) return inEntry ? follow('/') : undefined;
      if (inEntry?.handle === peer.handle) return;
      if (inEntry) window.history.replaceState({ ...window.history.state, ...draftState(peer) }, '');
      else window.history.pushState(draftState(peer), '');
    },
    [follow],
  );

  useEffect(() => {
    // The only move while going Back is the Back itself: whatever address it reports is where it landed.
    const landed = goingBack.current;
    if (landed) {
      goingBack.current = null;
      pending.current = null;
      if (landed.then !== pathname) return follow(landed.then);
    }
    if (pending.current && pending.current !== pathname) return;
    pending.current = null;
    const roomId = roomIdFromPath(pathname);
    const { activeRoomId, draftPeer, openRoom } = store.getState();
    // At `/` a first message to someone (no room yet) may be open: leave it.
    if (roomId !== activeRoomId && !(roomId === null && draftPeer)) openRoom(roomId);
    sessionStorage.setItem(LAST_CHAT_PATH_KEY, pathname);
  }, [pathname, store, follow]);

  useEffect(() => {
    // Back, Forward or a reload onto a draft's step, or off it.
    const openWhatEntryHolds = () => {
      if (goingBack.current || window.location.pathname !== '/') return;
      const inEntry = draftInEntry();
      const { draftPeer, openDraft, openRoom } = store.getState();
      if (inEntry && inEntry.handle !== draftPeer?.handle) openDraft(inEntry);
      else if (!inEntry && draftPeer) openRoom(null);
    };
    openWhatEntryHolds();
    window.addEventListener('popstate', openWhatEntryHolds);
    return () => window.removeEventListener('popstate', openWhatEntryHolds);
  }, [store]);

  useEffect(
    () =>
      store.subscribe((state, previous) => {
        if (state.activeRoomId !== previous.activeRoomId) follow(state.activeRoomId ? `/c/${encodeURIComponent(state.activeRoomId)}` : '/');
        else if (state.draftPeer !== previous.draftPeer) followDraft(state.draftPeer);
      }),
    [store, follow, followDraft],
  );
}
