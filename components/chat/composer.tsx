'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { loadDraft, saveDraft, takeDraft } from '@/lib/drafts';
import { writeTime } from '@/lib/outbox';
import { MAX_BODY_LENGTH, type PublicUser } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';

type Props = {
  /** The conversation the draft belongs to: a room id, or `to:<handle>` before the room exists. */
  conversation: string;
  /** Where text typed before the room existed was kept (`to:<handle>`): it carries over, not lost. */
  carriedFrom?: string;
  roomId: string | null;
  draftPeer: PublicUser | null;
  disabled?: boolean;
  placeholder?: string;
  onSent?: () => void;
};

/** Writes into the outbox; the chat client sends it in order whenever the connection allows. */
export function Composer({ conversation, carriedFrom, roomId, draftPeer, disabled, placeholder, onSent }: Props) {
  const store = useChatStore();
  const client = useChatClient();
  const me = useChat((state) => state.me.handle);
  // Each conversation keeps its own draft, across reloads. The composer is remounted per conversation
  // (a direct one is the same conversation before and after its room exists) and only ever rendered in
  // the browser (the open conversation comes from the URL after hydration).
  const [body, setText] = useState(() => {
    const carried = carriedFrom ? takeDraft(me, carriedFrom) : '';
    if (carried) saveDraft(me, conversation, carried);
    return loadDraft(me, conversation);
  });
  // The first message to someone creates the room: the text being typed moves to it, same composer.
  const keptUnder = useRef(conversation);
  useEffect(() => {
    if (keptUnder.current === conversation) return;
    saveDraft(me, keptUnder.current, '');
    saveDraft(me, conversation, body);
    keptUnder.current = conversation;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conversation]);
  const setBody = (text: string) => {
    setText(text);
    saveDraft(me, conversation, text);
  };
  const input = useRef<HTMLTextAreaElement>(null);
  // Grows with its text up to a few lines.
  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 160)}px`;
  }, [body]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim() || disabled) return;
    const target = roomId ? { roomId } : { to: draftPeer!.handle };
    store.getState().enqueue({ ...target, clientMsgId: crypto.randomUUID(), body, createdAt: writeTime(), queuedAt: Date.now(), status: 'pending' });
    setBody('');
    if (roomId) client?.typing(roomId, false);
    onSent?.();
    void client?.flushOutbox();
  }

  return (
    <form onSubmit={onSubmit} className="border-t border-slate-200 bg-surface p-2 md:p-3">
      <div className="flex items-end gap-2">
        <textarea
          ref={input}
          aria-label="Message"
          value={body}
          maxLength={MAX_BODY_LENGTH}
          rows={1}
          disabled={disabled}
          onChange={(event) => {
            setBody(event.target.value);
            if (roomId) client?.typing(roomId, event.target.value.length > 0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
          className="min-w-0 flex-1 resize-none rounded-2xl border border-slate-300 bg-surface px-3 py-2 disabled:bg-slate-100"
          placeholder={placeholder ?? 'Write a message'}
        />
        <button type="submit" disabled={disabled} className="shrink-0 rounded-full bg-indigo-700 px-4 py-2 font-medium text-white disabled:opacity-60">
          Send
        </button>
      </div>
    </form>
  );
}
