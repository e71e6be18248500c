'use client';

import { type FormEvent, useState } from 'react';
import { writeTime } from '@/lib/outbox';
import { MAX_BODY_LENGTH, type PublicUser } from '@/lib/schemas';
import { useChatClient, useChatStore } from '../providers/chat-provider';

/** Writes into the outbox; the chat client sends it in order whenever the connection allows. */
export function Composer({ roomId, draftPeer, disabled }: { roomId: string | null; draftPeer: PublicUser | null; disabled?: boolean }) {
  const store = useChatStore();
  const client = useChatClient();
  const [body, setBody] = useState('');

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim() || disabled) return;
    const target = roomId ? { roomId } : { to: draftPeer!.handle };
    store.getState().enqueue({ ...target, clientMsgId: crypto.randomUUID(), body, createdAt: writeTime(), queuedAt: Date.now(), status: 'pending' });
    setBody('');
    if (roomId) client?.typing(roomId, false);
    void client?.flushOutbox();
  }

  return (
    <form onSubmit={onSubmit} className="border-t border-slate-200 bg-white p-3">
      <div className="flex gap-2">
        <textarea
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
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
          className="flex-1 resize-none rounded border border-slate-300 px-3 py-2 disabled:bg-slate-100"
          placeholder={disabled ? 'This group is closed' : 'Write a message'}
        />
        <button type="submit" disabled={disabled} className="rounded bg-indigo-600 px-4 py-2 font-medium text-white disabled:opacity-50">
          Send
        </button>
      </div>
    </form>
  );
}
