'use client';

import { useLayoutEffect, useRef } from 'react';
import type { MessageRequest, PublicUser, RoomSummary } from '@/lib/schemas';
import { shownPresence } from '@/lib/stores/chat-store';
import { useChat, useChatStore } from '../providers/chat-provider';
import { Avatar } from './avatar';
import { ConversationDetails } from './conversation-details';
import { RoomNotificationControl } from '../notifications/room-notification-control';
import { PresenceDot, presenceText } from './presence-label';
import { CONVERSATION_HEADING_ID } from './conversation-focus';
import { closedGroupNote } from './room-title';
import type { PanelMode } from './history-entry';

/** Back (narrow screens), who this is, and the buttons that open the conversation's details panel. */
export function ConversationHeader({
  title,
  room,
  request,
  draftPeer,
  details,
  onDetails: setDetails,
}: {
  title: string;
  room: RoomSummary | null;
  request: MessageRequest | null;
  draftPeer: PublicUser | null;
  /** The details panel open (useDetailsPanel, held by the conversation, which it may cover), and how to open or close it. */
  details: PanelMode | null;
  onDetails: (mode: PanelMode | null) => void;
}) {
  const me = useChat((state) => state.me);
  const store = useChatStore();
  const addButton = useRef<HTMLButtonElement>(null);
  const detailsButton = useRef<HTMLButtonElement>(null);
  const isGroup = room?.kind === 'group';
  const peer = room && !isGroup ? room.members.find((member) => member.handle !== me.handle) : (request?.from ?? draftPeer ?? undefined);
  const peerPresence = useChat((state) => (peer ? shownPresence(state)[peer.handle] : undefined));

  // However the panel closes (its button, Escape, Back), focus goes back to the button that opened it; it
  // would otherwise fall to <body> with the panel.
  const shown = useRef(details);
  useLayoutEffect(() => {
    const was = shown.current;
    shown.current = details;
    if (!was || details) return;
    const active = document.activeElement;
    if (!active || active === document.body) (was === 'add' ? addButton : detailsButton).current?.focus();
  }, [details]);

  return (
    <>
      <header className="flex items-center gap-2 border-b border-slate-200 bg-surface px-2 py-2 md:px-3">
        <button
          type="button"
          onClick={() => store.getState().openRoom(null)}
          aria-label="Back to conversations"
          className="rounded-full px-2 py-1 text-xl leading-none text-slate-700 hover:bg-slate-100 md:hidden"
        >
          ←
        </button>
        <Avatar handle={peer?.handle ?? room?.id ?? title} name={title} url={isGroup ? null : peer?.avatarUrl} />
        <div className="min-w-0 flex-1">
          {/* Focusable from script only: a conversation that opens where focus fell puts it here (conversation-focus.ts). */}
          <h2 id={CONVERSATION_HEADING_ID} tabIndex={-1} className="truncate font-semibold">
            {title}
          </h2>
          {peer && !isGroup && (
            <p className="flex items-center gap-1 text-xs text-slate-600" aria-label="Presence">
              <PresenceDot status={peerPresence} /> {presenceText(peerPresence) ?? `@${peer.handle}`}
            </p>
          )}
          {isGroup && <p className="truncate text-xs text-slate-600">{room.closed ? closedGroupNote(room) : `${room.members.length} members${room.invited?.length ? ` · ${room.invited.length} invited` : ''}`}</p>}
        </div>
        {/* Wide screens only: at phone width it would squeeze the title away (it is in the details panel there). */}
        {room && (
          <div className="hidden md:block">
            <RoomNotificationControl room={room} />
          </div>
        )}
        {room && (
          <div className="flex shrink-0 gap-1">
            <button
              ref={addButton}
              type="button"
              onClick={() => setDetails(details === 'add' ? null : 'add')}
              aria-expanded={details === 'add'}
              className="hidden rounded border border-slate-300 px-2 py-1 text-sm sm:block"
            >
              {isGroup ? 'Members' : 'Add person'}
            </button>
            <button
              ref={detailsButton}
              type="button"
              onClick={() => setDetails(details === 'details' ? null : 'details')}
              aria-expanded={details === 'details'}
              aria-label="Conversation details"
              className="rounded border border-slate-300 px-2 py-1 text-sm"
            >
              Details
            </button>
          </div>
        )}
      </header>
      {details && room && <ConversationDetails room={room} focusAdd={details === 'add'} onClose={() => setDetails(null)} />}
    </>
  );
}
