'use client';

import { Fragment, memo, type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { attachmentUrl, hasThumbnail, shownThumbSize } from '@/lib/attachment-view';
import { fullDateTime, timeOf } from '@/lib/dates';
import { humanSize } from '@/lib/file-size';
import { localPreview } from '@/lib/local-previews';
import { type FormatNode, formatMessage } from '@/lib/format-message';
import { deletedLabel, excerptOf } from '@/lib/message-excerpt';
import { mentionSpans } from '@/lib/mentions';
import type { OutboxItem } from '@/lib/outbox';
import type { AttachmentInfo, ChatMessage, ReplyQuote } from '@/lib/schemas';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { useTimeZone } from '../ui/use-today';
import { Avatar } from './avatar';
import { MessageActions } from './message-actions';

/**
 * A body as text (React escapes it), formatted as chat apps do (lib/format-message.ts: *bold*, _italic_,
 * ~strike~, `code`, ```blocks```); only http(s) links become anchors, opened safely. Links the server marks
 * `linksHeld` (a stranger's, with no moderator to review them) stay text until "Show links". `@handle`s
 * the server counted as mentions are highlighted, strongly when they name the reader.
 */
function MessageBody({ body, linksHeld = false, mentions = [], me, mine }: { body: string; linksHeld?: boolean; mentions?: string[]; me: string; mine: boolean }) {
  // Derived, not kept: a message marked later (an edit added links) hides them too, until asked here.
  const [revealed, setShown] = useState(false);
  const shown = !linksHeld || revealed;
  const nodes = useMemo(() => formatMessage(body), [body]);
  return (
    <p dir="auto" className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">
      <Formatted nodes={nodes} linksShown={shown} mine={mine} text={(value) => withMentions(value, mentions, me, mine)} />
      {!shown && (
        <button type="button" onClick={() => setShown(true)} className="ml-1 text-xs underline">
          Show links
        </button>
      )}
    </p>
  );
}

/** Formatted text as elements; `text` renders each plain run (mentions highlighted there). */
export function Formatted({ nodes, linksShown, mine, text }: { nodes: FormatNode[]; linksShown: boolean; mine: boolean; text: (value: string) => ReactNode }) {
  const codeTone = mine ? 'bg-white/15' : 'bg-slate-100 text-slate-900';
  return nodes.map((node, index) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={index}>{text(node.text)}</Fragment>;
      case 'link':
        return linksShown ? (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer nofollow ugc" className="underline">
            {node.text}
          </a>
        ) : (
          <Fragment key={index}>{node.text}</Fragment>
        );
      case 'code':
        return (
          <code key={index} className={`rounded px-1 font-mono text-[0.9em] ${codeTone}`}>
            {node.text}
          </code>
        );
      case 'block':
        // Scrolls sideways rather than wrapping: code keeps its lines. A block <code>, not <pre>, which a
        // paragraph may not hold.
        return (
          <code key={index} tabIndex={0} data-code-block className={`my-1 block overflow-x-auto whitespace-pre rounded-md p-2 font-mono text-xs ${codeTone}`}>
            {node.text}
          </code>
        );
      default: {
        const Tag = node.kind === 'bold' ? 'strong' : node.kind === 'italic' ? 'em' : 's';
        return (
          <Tag key={index}>
            <Formatted nodes={node.children} linksShown={linksShown} mine={mine} text={text} />
          </Tag>
        );
      }
    }
  });
}

function withMentions(text: string, mentions: string[], me: string, mine: boolean): ReactNode {
  const spans = mentionSpans(text).filter((span) => mentions.includes(span.handle));
  if (spans.length === 0) return text;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(text.slice(at, span.start));
    const toMe = span.handle === me;
    // amber-200 and amber-950 swap together in dark mode (globals.css); amber-300 does not, and light text on it was unreadable.
    const tone = toMe ? 'bg-amber-200 font-bold text-amber-950' : mine ? 'bg-black/20 font-semibold text-inherit' : 'bg-indigo-100 font-semibold text-indigo-900';
    parts.push(
      <mark key={span.start} data-mention={toMe ? 'me' : 'other'} className={`rounded px-0.5 ${tone}`}>
        {text.slice(span.start, span.end)}
      </mark>,
    );
    at = span.end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** The quoted original of a reply; clicking it opens the conversation on that message. */
function ReplyQuoteView({ roomId, quote, nameOf, mine }: { roomId: string; quote: ReplyQuote; nameOf: (handle: string) => string; mine: boolean }) {
  const store = useChatStore();
  // By someone I blocked: the server sends none of its words, and there is nothing of it to open.
  if (quote.hidden) {
    return <p className={`mb-1 rounded-md border-l-4 px-2 py-0.5 text-xs italic ${mine ? 'border-white/70 bg-white/15' : 'border-slate-300 bg-slate-100'}`}>Reply to a message from someone you blocked</p>;
  }
  const text = quote.deleted ? 'Original message deleted' : quote.excerpt;
  return (
    <button
      type="button"
      onClick={() => store.getState().jumpTo(roomId, quote.seq)}
      aria-label={quote.deleted ? 'Reply to a deleted message' : `Reply to ${nameOf(quote.sender)}: ${quote.excerpt}. Show the original`}
      data-reply-to={quote.seq}
      className={`mb-1 block w-full rounded-md border-l-4 px-2 py-0.5 text-left text-xs ${mine ? 'border-white/70 bg-white/15' : 'border-indigo-400 bg-slate-100'}`}
    >
      {!quote.deleted && <span className="block font-semibold">{nameOf(quote.sender)}</span>}
      <span className={`block truncate ${quote.deleted ? 'italic' : ''}`}>{text}</span>
    </button>
  );
}

/** One button per emoji: pressed when the reader is among those who reacted; pressing toggles theirs. */
function Reactions({ message, me, mine, nameOf }: { message: ChatMessage; me: string; mine: boolean; nameOf: (handle: string) => string }) {
  const client = useChatClient();
  const reactions = message.reactions ?? [];
  // A reaction taken back from the keyboard goes with its button: focus moves to the next one, or to the
  // message's actions button when it was the last, not to <body>. So the group stays, hidden when empty.
  const group = useRef<HTMLDivElement>(null);
  useFocusAfterRemoval(group, reactions, () => group.current?.closest('li')?.querySelector<HTMLElement>('button[aria-label="Message actions"]'));
  // Under its bubble: at the right for my own messages (the row is reversed, its contents are not).
  return (
    <div
      ref={group}
      role="group"
      aria-label="Reactions"
      hidden={reactions.length === 0}
      className={`basis-full ${reactions.length === 0 ? 'hidden' : 'flex'} flex-wrap gap-1 pt-0.5 ${mine ? 'justify-end' : ''}`}
    >
      {reactions.map((reaction) => {
        const minePressed = reaction.handles.includes(me);
        const names = reaction.handles.map((handle) => (handle === me ? 'You' : nameOf(handle)));
        const others = reaction.count - reaction.handles.length;
        const who = `${names.join(', ')}${others > 0 ? ` and ${others} more` : ''}`;
        return (
          <button
            key={reaction.emoji}
            type="button"
            aria-pressed={minePressed}
            title={`${who} reacted with ${reaction.emoji}`}
            onClick={() => void client?.toggleReaction(message, reaction.emoji)}
            className={`rounded-full border px-2 text-sm leading-6 ${minePressed ? 'border-indigo-500 bg-indigo-100 text-indigo-950' : 'border-slate-300 bg-surface text-slate-800'}`}
          >
            {reaction.emoji} {reaction.count}
          </button>
        );
      })}
    </div>
  );
}

/** Images as thumbnails linking to the full picture; other files as name, size and a Download link. */
export function Attachments({ attachments, mine }: { attachments: AttachmentInfo[]; mine: boolean }) {
  if (attachments.length === 0) return null;
  return (
    <ul aria-label="Attachments" className="mb-1 flex flex-col gap-1">
      {attachments.map((attachment) =>
        hasThumbnail(attachment) ? (
          <li key={attachment.id}>
            <a href={attachmentUrl(attachment.id)} target="_blank" rel="noopener" className="block w-fit">
              <Thumbnail attachment={attachment} />
            </a>
          </li>
        ) : (
          <li key={attachment.id} className={`flex flex-wrap items-center gap-2 rounded-md px-2 py-1 text-sm ${mine ? 'bg-white/15' : 'bg-slate-100'}`}>
            <span aria-hidden="true">📄</span>
            <span className="min-w-0 break-all font-medium">{attachment.name}</span>
            <span className="text-xs">{humanSize(attachment.size)}</span>
            <a href={attachmentUrl(attachment.id)} download={attachment.name} className="text-xs underline" aria-label={`Download ${attachment.name}`}>
              Download
            </a>
          </li>
        ),
      )}
    </ul>
  );
}

/**
 * The server's thumbnail; when it cannot be fetched (offline: a picture sent offline waits in the outbox),
 * the picture as this tab uploaded it, or else its name in a box of its size, never a broken image. Tried
 * again when the connection is back.
 */
function Thumbnail({ attachment }: { attachment: AttachmentInfo }) {
  const connected = useChat((state) => state.connected);
  const [shown, setShown] = useState<'server' | 'local' | 'name'>('server');
  useEffect(() => {
    if (connected) setShown('server');
  }, [connected]);
  const size = shownThumbSize(attachment);
  const local = localPreview(attachment.id);
  if (shown === 'name' || (shown === 'local' && !local)) {
    return (
      <span role="img" aria-label={attachment.name} style={size} className="flex max-w-full items-center justify-center break-all rounded-lg bg-slate-200 p-2 text-center text-xs text-slate-700">
        {attachment.name}
      </span>
    );
  }
  return (
    // eslint-disable-next-line @next/next/no-img-element -- served by our API with its own headers, not Next's optimiser
    <img
      src={shown === 'local' ? local! : attachmentUrl(attachment.id, true)}
      alt={attachment.name}
      {...size}
      loading="lazy"
      onError={() => setShown(shown === 'server' ? 'local' : 'name')}
      className="max-h-60 max-w-full rounded-lg object-cover"
    />
  );
}

const LONG_PRESS_MS = 500;

/** The time of day; the full date on hover, or on a long press on a touch screen (no hover there). */
function Time({ at }: { at: string | number }) {
  // Shown in the reader's zone, also after it changed with the page open.
  useTimeZone();
  const date = new Date(at);
  const [full, setFull] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };
  useEffect(() => {
    if (!full) return;
    const hide = setTimeout(() => setFull(false), 4_000);
    return () => clearTimeout(hide);
  }, [full]);
  useEffect(() => cancel, []);
  return (
    <time
      dateTime={date.toISOString()}
      title={fullDateTime(date)}
      onPointerDown={(event) => {
        if (event.pointerType !== 'touch') return;
        cancel();
        press.current = setTimeout(() => setFull(true), LONG_PRESS_MS);
      }}
      onPointerUp={cancel}
      onPointerLeave={cancel}
      onPointerCancel={cancel}
      // The long press shows the date instead of the browser's own menu.
      onContextMenu={(event) => (press.current || full) && event.preventDefault()}
      className="select-none"
    >
      {full ? fullDateTime(date) : timeOf(date)}
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
 * after it in the run are indented under it. A deleted one keeps its place: "Message deleted" (by its
 * sender) or "Message removed" (by a moderator).
 */
export const MessageItem = memo(function MessageItem({
  message,
  mine,
  status,
  first,
  senderName,
  senderAvatar = null,
  nameOf = (handle) => handle,
}: {
  message: ChatMessage;
  mine: boolean;
  status?: string;
  first: boolean;
  senderName: string;
  /** The sender's avatarUrl, from the room's members like their name; null for none or unknown. */
  senderAvatar?: string | null;
  /** Display names of the room's members (quotes, reactions); the handle when unknown. */
  nameOf?: (handle: string) => string;
}) {
  const me = useChat((state) => state.me.handle);
  // Deleted from another device or by its sender while focus was in it (its menu, editor or reaction
  // picker, all gone with it): focus stays on the message, now "Message deleted", not on <body>.
  const row = useRef<HTMLLIElement>(null);
  const focusWasIn = row.current?.contains(document.activeElement) ?? false;
  useLayoutEffect(() => {
    const element = row.current;
    if (!message.deleted || !focusWasIn || !element || (document.activeElement && document.activeElement !== document.body)) return;
    element.tabIndex = -1;
    element.focus({ preventScroll: true });
    // Only when it becomes deleted; `focusWasIn` is read afresh by every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [message.deleted]);
  if (message.kind === 'system') {
    return <li className="py-1 text-center text-xs text-slate-600 break-words [overflow-wrap:anywhere]">{message.body}</li>;
  }
  const edited = !message.deleted && message.editedAt ? new Date(message.editedAt) : null;
  return (
    <li ref={row} className={`group flex items-start gap-2 ${mine ? 'flex-row-reverse' : ''} ${first ? 'mt-3' : 'mt-0.5'}`} data-seq={message.seq} data-message-id={message.id}>
      {!mine && (first ? <Avatar handle={message.sender} name={senderName} url={senderAvatar} /> : <span className="w-9 shrink-0" aria-hidden="true" />)}
      <div className={`flex min-w-0 max-w-[85%] flex-wrap items-start gap-1 md:max-w-[70%] ${mine ? 'flex-row-reverse' : ''}`}>
        <div className={`min-w-0 rounded-2xl px-3 py-1.5 ${mine ? 'bg-indigo-700 text-white' : 'bg-surface shadow-sm ring-1 ring-slate-200'}`}>
          {!mine && first && (
            <p className="text-xs font-semibold text-slate-700">
              {senderName} <span className="font-normal text-slate-600">@{message.sender}</span>
            </p>
          )}
          {!message.deleted && message.replyTo && <ReplyQuoteView roomId={message.roomId} quote={message.replyTo} nameOf={nameOf} mine={mine} />}
          {message.deleted ? (
            <p className="italic">{deletedLabel(message)}</p>
          ) : (
            <>
              <Attachments attachments={message.attachments ?? []} mine={mine} />
              {message.body && <MessageBody body={message.body} linksHeld={message.linksHeld && !mine} mentions={message.mentions} me={me} mine={mine} />}
            </>
          )}
          <p className={`flex items-center justify-end gap-1 text-[11px] ${mine ? 'text-white/85' : 'text-slate-600'}`}>
            {edited && <span title={`Edited ${fullDateTime(edited)}`}>(edited)</span>}
            <Time at={message.createdAt} />
            {status && <StatusIcon label={status} />}
          </p>
        </div>
        <MessageActions context={{ message, mine }} align={mine ? 'end' : 'start'} />
        {!message.deleted && <Reactions message={message} me={me} mine={mine} nameOf={nameOf} />}
      </div>
    </li>
  );
});

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
        {item.replyQuote && (
          <p className="mb-1 truncate rounded-md border-l-4 border-indigo-400 bg-surface/50 px-2 text-xs">
            <span className="font-semibold">{item.replyQuote.sender}</span>: {item.replyQuote.excerpt}
          </p>
        )}
        {item.attachments && <Attachments attachments={item.attachments} mine={false} />}
        {item.body && (
          <p dir="auto" className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">
            <Formatted nodes={formatMessage(item.body)} linksShown mine text={(value) => value} />
          </p>
        )}
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
            <button type="button" onClick={onRemove} className="underline" aria-label={`Remove unsent message: ${excerptOf(item)}`}>
              Remove
            </button>
          )}
        </p>
      </div>
    </li>
  );
}
