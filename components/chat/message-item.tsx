'use client';

import { useState } from 'react';
import { fullDateTime, timeOf } from '@/lib/dates';
import { linkify } from '@/lib/linkify';
import type { OutboxItem } from '@/lib/outbox';
import type { ChatMessage } from '@/lib/schemas';
import { Avatar } from './avatar';
import { MessageActions } from './message-actions';

/**
 * A body as text (React escapes it); only http(s) links become anchors, opened safely. Links the
 * server marks `linksHeld` (a stranger's, with no moderator to review them) stay text until "Show links".
 */
function MessageBody({ body, linksHeld = false }: { body: string; linksHeld?: boolean }) {
  const [shown, setShown] = useState(!linksHeld);
  return (
    <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">
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

function Time({ at }: { at: string | number }) {
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={fullDateTime(date)}>
      {timeOf(date)}
    </time>
  );
}

type Status = 'pending' | 'sent' | 'delivered' | 'read';
const statusOf = (label: string): Status => (label.startsWith('Read') ? 'read' : label.startsWith('Delivered') ? 'delivered' : 'sent');

/** ✓ sent, ✓✓ delivered, ✓✓ in colour read, a clock while pending; the words are read out and shown on hover. */
export function StatusIcon({ label, status = statusOf(label) }: { label: string; status?: Status }) {
  const glyph = status === 'pending' ? '◷' : status === 'sent' ? '✓' : '✓✓';
  return (
    <span title={label} className="inline-flex items-center">
      <span aria-hidden="true" className={`font-semibold tracking-[-0.2em] ${status === 'read' ? 'text-sky-200' : ''}`}>
        {glyph}
      </span>
      <span className="sr-only">{label}</span>
    </span>
  );
}

/**
 * One message. `first` starts a run of messages from one sender (name and avatar shown); the ones
 * after it in the run are indented under it.
 */
export function MessageItem({ message, mine, status, first, senderName }: { message: ChatMessage; mine: boolean; status?: string; first: boolean; senderName: string }) {
  if (message.kind === 'system') {
    return <li className="py-1 text-center text-xs text-slate-600">{message.body}</li>;
  }
  return (
    <li className={`group flex items-start gap-2 ${mine ? 'flex-row-reverse' : ''} ${first ? 'mt-3' : 'mt-0.5'}`} data-seq={message.seq}>
      {!mine && (first ? <Avatar handle={message.sender} name={senderName} /> : <span className="w-9 shrink-0" aria-hidden="true" />)}
      <div className={`flex min-w-0 max-w-[85%] flex-wrap items-start gap-1 md:max-w-[70%] ${mine ? 'flex-row-reverse' : ''}`}>
        <div className={`min-w-0 rounded-2xl px-3 py-1.5 ${mine ? 'bg-indigo-700 text-white' : 'bg-surface shadow-sm ring-1 ring-slate-200'}`}>
          {!mine && first && (
            <p className="text-xs font-semibold text-slate-700">
              {senderName} <span className="font-normal text-slate-600">@{message.sender}</span>
            </p>
          )}
          {message.deleted ? <p className="italic opacity-80">Message removed</p> : <MessageBody body={message.body} linksHeld={message.linksHeld && !mine} />}
          <p className={`flex items-center justify-end gap-1 text-[11px] ${mine ? 'text-white/85' : 'text-slate-600'}`}>
            <Time at={message.createdAt} />
            {status && <StatusIcon label={status} />}
          </p>
        </div>
        <MessageActions context={{ message, mine }} align={mine ? 'end' : 'start'} />
      </div>
    </li>
  );
}

/**
 * A message still in the outbox: waiting for the connection or on its way (it goes by itself);
 * failed, with a way to try again; or held for a moderator.
 */
export function OutboxMessage({ item, connected, onRetry, onRemove }: { item: OutboxItem; connected: boolean; onRetry: () => void; onRemove: () => void }) {
  // Marked failed for want of a connection by earlier versions: it too goes again by itself.
  const waiting = item.status === 'pending' || (item.status === 'failed' && item.retryable);
  const tone = waiting ? 'bg-indigo-100 text-indigo-950' : item.status === 'held' ? 'bg-amber-100 text-amber-950' : 'bg-red-100 text-red-950';
  const waitingText = connected ? 'Sending…' : 'Waiting for connection';
  return (
    <li className="mt-0.5 flex justify-end" data-outbox={item.status}>
      <div className={`min-w-0 max-w-[85%] rounded-2xl px-3 py-1.5 md:max-w-[70%] ${tone}`}>
        <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{item.body}</p>
        <p className="flex flex-wrap items-center justify-end gap-1 text-[11px]">
          {waiting && <StatusIcon label={waitingText} status="pending" />}
          {waiting && <span aria-hidden="true">{waitingText}</span>}
          {item.status === 'held' && <span>Held for review by a moderator </span>}
          {item.status === 'failed' && !waiting && (
            <>
              <span>Failed{item.error ? `: ${item.error}` : ''} </span>
              <button type="button" onClick={onRetry} className="underline">
                Retry
              </button>{' '}
            </>
          )}
          {!waiting && (
            <button type="button" onClick={onRemove} className="underline" aria-label={`Remove unsent message: ${item.body.slice(0, 40)}`}>
              Remove
            </button>
          )}
        </p>
      </div>
    </li>
  );
}
