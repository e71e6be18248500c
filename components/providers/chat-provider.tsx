'use client';

import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { useStore } from 'zustand';
import { loadOutbox } from '@/lib/outbox';
import { keepPageForOffline } from '@/lib/service-worker';
import { bindChatClient, type ChatClient, type ChatSocket } from '@/lib/realtime/chat-client';
import type { PublicUser } from '@/lib/schemas';
import { type ChatState, type ChatStore, createChatStore } from '@/lib/stores/chat-store';

type ChatContextValue = { store: ChatStore; client: ChatClient | null };

const ChatContext = createContext<ChatContextValue | null>(null);

/** Owns the store and the socket for the signed-in page; the chat client binds one to the other. */
export function ChatProvider({ me, children }: { me: PublicUser; children: ReactNode }) {
  const [store] = useState(() => createChatStore(me, loadOutbox(me.handle)));
  const [client, setClient] = useState<ChatClient | null>(null);

  useEffect(() => {
    const socket: ChatSocket = io({ autoConnect: false, withCredentials: true });
    const bound = bindChatClient(store, socket);
    setClient(bound);
    // So the chat opens without a connection next time (docs/client.md "Offline start").
    keepPageForOffline().catch(() => {});
    return () => bound.close();
  }, [store]);

  return <ChatContext.Provider value={{ store, client }}>{children}</ChatContext.Provider>;
}

function useChatContext() {
  const context = useContext(ChatContext);
  if (!context) throw new Error('chat hooks must be used inside <ChatProvider>');
  return context;
}

export function useChat<T>(selector: (state: ChatState) => T): T {
  return useStore(useChatContext().store, selector);
}

export const useChatStore = () => useChatContext().store;
export const useChatClient = () => useChatContext().client;
