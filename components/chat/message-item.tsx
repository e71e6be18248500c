'use client';

import { type FormEvent, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { linkify } from '@/lib/linkify';
import type { OutboxItem } from '@/lib/outbox';
import type { ChatMessage } from '@/lib/schemas';

const timeOf = (iso: string | number) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * A body as text (React escapes it); only http(s) links become anchors, opened safely. Links the
 * server marks `linksHeld` (a stranger's, with no moderator to review them) stay text until "Show links".
 */
function MessageBody({ body, linksHeld = false }: { body: string; linksHeld?: boolean }) {
  const [shown, setShown] = useState(!linksHeld);
  return (
    <p className="whitespace-pre-wrap break-words">
      {linkify(body).map((part, index) =>
        part.kind === 'link' && shown ? (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer nofollow ugc" className="underline">
            {part.text}
          </a>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
      {!shown && (
        <button type="button" onClick={() => setShown(true)} className="ml-1 text-xs underline">
          Show links
        </button>
      )}
    </p>
  );
}

export function MessageItem({ message, mine, status }: { message: ChatMessage; mine: boolean; status?: string }) {
  if (message.kind === 'system') {
    return <li className="text-center text-xs text-slate-500">{message.body}</li>;
  }
  return (
    <li className={`group flex ${mine ? 'justify-end' : 'justify-start'}`} data-seq={message.seq}>
      <div className={`max-w-[70%] rounded-lg px-3 py-2 ${mine ? 'bg-indigo-600 text-white' : 'bg-white shadow-sm'}`}>
        {!mine && <p className="text-xs font-medium text-slate-500">@{message.sender}</p>}
        {message.deleted ? <p className="italic opacity-70">Message removed</p> : <MessageBody body={message.body} linksHeld={message.linksHeld && !mine} />}
        <p className={`text-right text-[10px] ${mine ? 'text-indigo-200' : 'text-slate-400'}`}>
          {timeOf(message.createdAt)}
          {status && <span> · {status}</span>}
        </p>
        {!mine && !message.deleted && <ReportControl messageId={message.id} />}
      </div>
    </li>
  );
}

function ReportControl({ messageId }: { messageId: string }) {
  const [state, setState] = useState<'closed' | 'open' | 'sent'>('closed');
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    try {
      await apiFetch('/api/v1/reports', { method: 'POST', body: JSON.stringify({ messageId, reason }) });
      setState('sent');
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (state === 'sent') return <p className="text-[10px] text-slate-500">Reported. Thank you.</p>;
  if (state === 'closed') {
    return (
      <button type="button" onClick={() => setState('open')} className="text-[10px] text-slate-400 underline">
        Report message
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} className="mt-1 flex gap-1 text-xs">
      <label className="flex-1">
        <span className="sr-only">Reason for reporting</span>
        <input name="reason" placeholder="Why?" className="w-full rounded border border-slate-300 px-1" />
      </label>
      <button type="submit" className="rounded bg-red-600 px-1 text-white">
        Send report
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}

/** A message still in the outbox: pending; failed, with a way to try again; or held for a moderator. */
export function OutboxMessage({ item, onRetry, onRemove }: { item: OutboxItem; onRetry: () => void; onRemove: () => void }) {
  const tone = item.status === 'pending' ? 'bg-indigo-300 text-white' : item.status === 'held' ? 'bg-amber-100 text-amber-900' : 'bg-red-100 text-red-900';
  return (
    <li className="flex justify-end" data-outbox={item.status}>
      <div className={`max-w-[70%] rounded-lg px-3 py-2 ${tone}`}>
        <p className="whitespace-pre-wrap break-words">{item.body}</p>
        <p className="text-right text-[10px]">
          {item.status === 'pending' && <span>Pending</span>}
          {item.status === 'held' && <span>Held for review by a moderator </span>}
          {item.status === 'failed' && (
            <>
              <span>Failed{item.error ? `: ${item.error}` : ''} </span>
              <button type="button" onClick={onRetry} className="underline">
                Retry
              </button>{' '}
            </>
          )}
          {item.status !== 'pending' && (
            <button type="button" onClick={onRemove} className="underline" aria-label={`Remove unsent message: ${item.body.slice(0, 40)}`}>
              Remove
            </button>
          )}
        </p>
      </div>
    </li>
  );
}
