'use client';

import { type ComponentType, type FormEvent, type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { type EditDraft, loadEditDraft, saveEditDraft } from '@/lib/drafts';
import { problemInWords } from '@/lib/form-problems';
import { lengthLeft, lengthProblem } from '@/lib/message-length';
import { enterSubmits } from './enter-submits';
import { useMentionSuggestions } from './mention-suggestions';
import type { ChatClient } from '@/lib/realtime/chat-client';
import { type ChatMessage, emojiSchema, reportSchema } from '@/lib/schemas';
import type { ChatStore } from '@/lib/stores/chat-store';
import { isInvisible } from '@/lib/text-rules';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { focusAtEnd } from '../ui/focus-at-end';
import { scrollingParent } from '../ui/scrolling-parent';

export type MessageActionContext = { message: ChatMessage; mine: boolean };

/**
 * One entry of a message's actions menu. Add an action by appending to `messageActions`: it either
 * runs at once (`run`) or opens a panel under the message (`Panel`, closed by calling `close`).
 */
export type MessageAction = {
  id: string;
  label: string;
  available: (context: MessageActionContext) => boolean;
  run?: (context: MessageActionContext, chat: { store: ChatStore; client: ChatClient | null }) => void;
  Panel?: ComponentType<{ context: MessageActionContext; close: () => void }>;
};

const live = (message: ChatMessage) => !message.deleted && message.kind !== 'system';

const editAction: MessageAction = { id: 'edit', label: 'Edit', available: ({ mine, message }) => mine && live(message), Panel: EditPanel };

export const messageActions: MessageAction[] = [
  { id: 'reply', label: 'Reply', available: ({ message }) => live(message), run: ({ message }, { store }) => store.getState().requestReply(message) },
  { id: 'react', label: 'React', available: ({ message }) => live(message), Panel: ReactPanel },
  editAction,
  { id: 'delete', label: 'Delete', available: ({ mine, message }) => mine && live(message), Panel: DeletePanel },
  // Last, as in other chat apps: the everyday actions come first, and a report is never picked by mistake.
  { id: 'report', label: 'Report message', available: ({ mine, message }) => !mine && !message.deleted, Panel: ReportPanel },
];

/** The "⋯" button on a message and the menu it opens; keyboard: Enter/Space opens, Escape closes, arrows move. */
export function MessageActions({ context, align }: { context: MessageActionContext; align: 'start' | 'end' }) {
  const store = useChatStore();
  const client = useChatClient();
  const actions = messageActions.filter((action) => action.available(context));
  const [open, setOpen] = useState(false);
  const me = useChat((state) => state.me.handle);
  // An edit left open on this message (before a conversation switch or a reload) opens again, as left.
  const [panel, setPanel] = useState<MessageAction | null>(() => (loadEditDraft(me, context.message.id) ? editAction : null));
  // A panel goes with its action (a message deleted elsewhere loses them all), except an edit with
  // unsaved text: that stays, saying it can no longer be saved, until the user has copied what they need.
  const shownPanel = panel && (actions.includes(panel) || (panel === editAction && unsavedEdit(loadEditDraft(me, context.message.id)))) ? panel : null;
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  // Asked from the message box (Up when it is empty): the editor opens here, and closing it goes back there.
  const editAsked = useChat((state) => state.editRequest === context.message.id);
  const returnTo = useRef<HTMLElement | null>(null);
  const panelBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!editAsked) return;
    store.getState().requestEdit(null);
    if (!actions.includes(editAction)) return;
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setPanel(editAction);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editAsked]);

  // The menu opens below its button, or above it where the list has no room below (the newest
  // messages, just over the message box); then it is brought wholly into view and its first item focused.
  const [upward, setUpward] = useState(false);
  useLayoutEffect(() => {
    const element = menu.current;
    if (!open || !element) return;
    const area = scrollingParent(element)?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
    const rect = element.getBoundingClientRect();
    const at = button.current!.getBoundingClientRect();
    if (!upward && rect.bottom > area.bottom && at.top - area.top > area.bottom - at.bottom) return setUpward(true);
    element.scrollIntoView({ block: 'nearest' });
    element.querySelector<HTMLButtonElement>('button')?.focus({ preventScroll: true });
  }, [open, upward]);
  if (actions.length === 0 && !shownPanel) return null;

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (action: MessageAction) => {
    close(false);
    if (action.Panel) setPanel(action);
    else action.run?.(context, { store, client });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') return close();
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  };

  return (
    <>
      {actions.length > 0 && (
        <div className="relative" onBlur={(event) => !event.currentTarget.contains(event.relatedTarget) && setOpen(false)}>
          <button
            ref={button}
            type="button"
            aria-label="Message actions"
            aria-expanded={open}
            onClick={() => {
              setUpward(false);
              setOpen(!open);
            }}
            // 28 px square: above WCAG 2.2's 24 px target size, and easy for a thumb.
            className="inline-flex h-7 w-7 items-center justify-center rounded text-base text-slate-600 hover:bg-slate-200 pointer-fine:opacity-0 pointer-fine:group-hover:opacity-100 pointer-fine:focus:opacity-100 aria-expanded:opacity-100"
          >
            ⋯
          </button>
          {open && (
            <div
              ref={menu}
              onKeyDown={onKeyDown}
              className={`absolute ${upward ? 'bottom-8' : 'top-8'} z-20 min-w-40 rounded-md border border-slate-200 bg-surface py-1 text-sm shadow-lg ${align === 'end' ? 'right-0' : 'left-0'}`}
            >
              {actions.map((action) => (
                <button key={action.id} type="button" onClick={() => choose(action)} className="block w-full px-3 py-1.5 text-left hover:bg-slate-100 focus:bg-slate-100">
                  {action.label}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {shownPanel?.Panel && (
        <div ref={panelBox} className="basis-full">
          <shownPanel.Panel
            context={context}
            close={() => {
              // Focus goes back where the panel came from, unless the user has moved it meanwhile (a save
              // answered late, while they opened another message's menu, must not take it from there).
              // A deleted message has no actions button: then the message itself takes focus.
              const row = panelBox.current?.closest('li');
              const stayed = focusStayedIn(row);
              setPanel(null);
              if (row && !button.current) row.tabIndex = -1;
              if (stayed) (returnTo.current?.isConnected ? returnTo.current : (button.current ?? row))?.focus();
              returnTo.current = null;
            }}
          />
        </div>
      )}
    </>
  );
}

function ReportPanel({ context, close }: { context: MessageActionContext; close: () => void }) {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  // The form goes once sent: focus moves to the thanks that replaces it, not to the page.
  const thanks = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (sent) thanks.current?.focus();
  }, [sent]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    const problem = problemInWords(reportSchema, { messageId: context.message.id, reason }, ([field]) => (field === 'reason' ? 'The reason' : 'The message'));
    if (problem) return setError(problem);
    setError(null);
    try {
      await apiFetch('/api/v1/reports', { method: 'POST', body: JSON.stringify({ messageId: context.message.id, reason }) });
      setSent(true);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (sent) {
    return (
      <p ref={thanks} tabIndex={-1} role="status" className="mt-1 text-xs text-slate-600 outline-none">
        Reported. Thank you.
      </p>
    );
  }
  return (
    // Escape is Cancel, as in the other panels of the menu.
    <form onSubmit={onSubmit} onKeyDown={(event) => event.key === 'Escape' && close()} className="mt-1 flex flex-wrap gap-1 text-xs">
      <label className="min-w-0 flex-1">
        <span className="sr-only">Reason for reporting</span>
        <input ref={input} name="reason" placeholder="Why?" className="w-full rounded border border-slate-300 bg-surface px-1 py-0.5" />
      </label>
      <button type="submit" className="min-h-6 rounded bg-red-700 px-2 text-white">
        Send report
      </button>
      <button type="button" onClick={close} className="min-h-6 rounded border border-slate-300 px-2">
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}

/** Common reactions, each with a name a screen reader can say. */
export const QUICK_REACTIONS = [
  { emoji: '👍', name: 'thumbs up' },
  { emoji: '❤️', name: 'heart' },
  { emoji: '😂', name: 'laughing' },
  { emoji: '😮', name: 'surprised' },
  { emoji: '😢', name: 'sad' },
  { emoji: '🎉', name: 'party' },
];

function ReactPanel({ context, close }: { context: MessageActionContext; close: () => void }) {
  const client = useChatClient();
  const group = useRef<HTMLDivElement>(null);
  const [other, setOther] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => group.current?.querySelector('button')?.focus(), []);
  const react = (emoji: string) => {
    void client?.addReaction(context.message, emoji);
    close();
  };
  // Left and Right (Home, End) move along the row of emoji as in a toolbar; Tab still goes through them too.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') return close();
    const quick = [...(group.current?.querySelectorAll<HTMLButtonElement>('[data-quick-reaction]') ?? [])];
    const at = quick.indexOf(event.target as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1 + quick.length, Home: 0, End: quick.length - 1 };
    if (at < 0 || !(event.key in moves)) return;
    event.preventDefault();
    quick[moves[event.key] % quick.length].focus();
  };
  return (
    <div ref={group} role="group" aria-label="Pick a reaction" onKeyDown={onKeyDown} className="mt-1 flex flex-wrap gap-1">
      {QUICK_REACTIONS.map(({ emoji, name }) => (
        <button key={emoji} type="button" data-quick-reaction aria-label={`React with ${name}`} title={name} onClick={() => react(emoji)} className="rounded-full border border-slate-300 bg-surface px-2 text-lg leading-8 hover:bg-slate-100">
          {emoji}
        </button>
      ))}
      <button type="button" onClick={close} className="min-h-6 rounded border border-slate-300 bg-surface px-2 text-xs">
        Cancel
      </button>
      {/* Any other emoji, from the system's emoji keyboard (a phone's, Win+. or Ctrl+Cmd+Space) or pasted. */}
      <form
        className="flex basis-full items-center gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          const problem = problemInWords(emojiSchema, other.trim(), () => 'The reaction');
          if (problem) setProblem(problem);
          else react(other.trim());
        }}
      >
        <label className="text-xs text-slate-700">
          Other emoji
          <input
            value={other}
            onChange={(event) => {
              setOther(event.target.value);
              setProblem(null);
            }}
            maxLength={32}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${context.message.id}-emoji-problem` : undefined}
            className="ml-1 w-16 rounded border border-slate-300 px-1 text-lg"
          />
        </label>
        <button type="submit" className="min-h-6 rounded border border-slate-300 bg-surface px-2 text-xs">
          React
        </button>
        {problem && (
          <p id={`${context.message.id}-emoji-problem`} role="alert" className="text-xs text-red-800">
            {problem}
          </p>
        )}
      </form>
    </div>
  );
}

/**
 * Edits in place: Enter (or Save) saves, Shift+Enter is a new line (Enter too on a touch screen, as in the
 * message box), Escape (or Cancel) leaves it as it was. Near the length limit it counts down as the box does.
 */
function EditPanel({ context, close: closeEditor }: { context: MessageActionContext; close: () => void }) {
  const client = useChatClient();
  const me = useChat((state) => state.me.handle);
  const messageId = context.message.id;
  // Reopened after a switch or a reload: the text as it was left (unless left unchanged), and the focus
  // left where it is.
  const [leftText] = useState(() => {
    const draft = loadEditDraft(me, messageId);
    return draft && draft.body !== draft.base ? draft.body : null;
  });
  const [restored] = useState(() => loadEditDraft(me, messageId) !== null);
  const [body, setText] = useState(leftText ?? context.message.body);
  // Edited in another tab or on another device while open here: a box not yet changed shows the new text,
  // so Save (or Enter) does not silently put the old one back.
  const [shown, setShown] = useState(context.message.body);
  const setBody = (text: string, base = shown) => {
    setText(text);
    saveEditDraft(me, messageId, { body: text, base });
  };
  // Deleted on another device or tab while open here (kept only with unsaved text): nothing to save into.
  const gone = Boolean(context.message.deleted);
  if (!gone && shown !== context.message.body) {
    setShown(context.message.body);
    if (body === shown) setBody(context.message.body, context.message.body);
  }
  // Kept from the moment it opens (an editor opened and left is reopened), until saved or left.
  useEffect(() => saveEditDraft(me, messageId, { body, base: shown }), []); // eslint-disable-line react-hooks/exhaustive-deps
  const close = () => {
    saveEditDraft(me, messageId, null);
    closeEditor();
  };
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // An `@` suggests the conversation's people here as in the message box.
  const mentions = useMentionSuggestions({ input, body, setBody, placement: 'below' });
  useEffect(() => {
    const element = input.current;
    if (restored || !element) return;
    focusAtEnd(element);
  }, [restored]);

  const overLength = lengthProblem(body);
  const left = lengthLeft(body);

  async function save() {
    if (saving || gone) return;
    if (body === context.message.body) return close();
    // The server refuses an edit that shows nothing; said here in the user's words, not its field name.
    if (isInvisible(body)) return setRefusal('A message cannot be empty: delete it instead.');
    if (lengthProblem(body)) return setRefusal(lengthProblem(body));
    setSaving(true);
    // Not reopened by a switch made while the save is on its way (its answer could not close that editor);
    // kept again if refused.
    saveEditDraft(me, messageId, null);
    const saved = (await client?.editMessage(context.message.id, body)) ?? false;
    setSaving(false);
    // A refusal stays open with the text, the reason shown as the conversation's notice.
    if (saved) close();
    else saveEditDraft(me, messageId, { body, base: shown });
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      className="mt-1 flex flex-col gap-1 text-sm"
    >
      <div className="relative">
        <textarea
          ref={input}
          aria-label="Edit message"
          {...mentions.inputProps}
          value={body}
          rows={2}
          onChange={(event) => {
            setBody(event.target.value);
            setRefusal(null);
            mentions.trackCaret(event);
          }}
          onSelect={mentions.trackCaret}
          onFocus={mentions.trackCaret}
          onBlur={mentions.trackCaret}
          onKeyDown={(event) => {
            if (mentions.onKeyDown(event)) return;
            if (event.key === 'Escape') {
              event.preventDefault();
              close();
            } else if (enterSubmits(event)) {
              event.preventDefault();
              void save();
            }
          }}
          readOnly={gone}
          aria-invalid={refusal ? true : undefined}
          className="block w-full min-w-60 resize-y rounded-md border border-slate-300 bg-surface px-2 py-1"
        />
        {mentions.list}
      </div>
      {gone && (
        <p role="alert" className="text-xs text-red-800">
          This message was deleted, so this edit cannot be saved. Copy your text if you want to keep it.
        </p>
      )}
      {!gone && (refusal ?? overLength) && (
        <p role="alert" className="text-xs text-red-800">
          {refusal ?? overLength}
        </p>
      )}
      {left && !gone && <p className="text-right text-xs text-slate-600">{left}</p>}
      <span className="flex justify-end gap-1">
        <button type="button" onClick={close} className="min-h-6 rounded border border-slate-300 bg-surface px-2">
          {gone ? 'Close' : 'Cancel'}
        </button>
        {!gone && (
          <button type="submit" disabled={saving} className="min-h-6 rounded bg-indigo-700 px-2 text-white disabled:opacity-60">
            Save
          </button>
        )}
      </span>
    </form>
  );
}

/** Whether an edit holds text the user wrote and has not saved. */
const unsavedEdit = (draft: EditDraft | null) => draft !== null && draft.body !== draft.base;

/** Whether focus is still in this message, or nowhere: if the user has moved it elsewhere, it is theirs. */
function focusStayedIn(message: Element | null | undefined) {
  const focus = document.activeElement;
  return !focus || focus === document.body || !!message?.contains(focus);
}

function DeletePanel({ context, close }: { context: MessageActionContext; close: () => void }) {
  const client = useChatClient();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div role="group" aria-label="Delete this message?" onKeyDown={(event) => event.key === 'Escape' && close()} className="mt-1 flex flex-wrap items-center gap-2 text-sm">
      <span>Delete this message for everyone?</span>
      <button
        ref={confirm}
        type="button"
        onClick={() => {
          // The message keeps its place as "Message deleted" but loses its actions button: MessageItem then
          // focuses it, unless the user has moved on while the delete was answered.
          close();
          void client?.deleteMessage(context.message.id);
        }}
        className="min-h-6 rounded bg-red-700 px-2 font-medium text-white"
      >
        Delete
      </button>
      <button type="button" onClick={close} className="min-h-6 rounded border border-slate-300 bg-surface px-2">
        Cancel
      </button>
    </div>
  );
}
