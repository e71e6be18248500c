'use client';

import { type ComponentType, type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { ChatMessage } from '@/lib/schemas';

export type MessageActionContext = { message: ChatMessage; mine: boolean };

/**
 * One entry of a message's actions menu. Add an action by appending to `messageActions`: it either
 * runs at once (`run`) or opens a panel under the message (`Panel`, closed by calling `close`).
 */
export type MessageAction = {
  id: string;
  label: string;
  available: (context: MessageActionContext) => boolean;
  run?: (context: MessageActionContext) => void;
  Panel?: ComponentType<{ context: MessageActionContext; close: () => void }>;
};

export const messageActions: MessageAction[] = [
  { id: 'report', label: 'Report message', available: ({ mine, message }) => !mine && !message.deleted, Panel: ReportPanel },
];

/** The "⋯" button on a message and the menu it opens; keyboard: Enter/Space opens, Escape closes, arrows move. */
export function MessageActions({ context, align }: { context: MessageActionContext; align: 'start' | 'end' }) {
  const actions = messageActions.filter((action) => action.available(context));
  const [open, setOpen] = useState(false);
  const [panel, setPanel] = useState<MessageAction | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);
  if (actions.length === 0) return null;

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (action: MessageAction) => {
    close(false);
    if (action.Panel) setPanel(action);
    else action.run?.(context);
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
      <div className="relative" onBlur={(event) => !event.currentTarget.contains(event.relatedTarget) && setOpen(false)}>
        <button
          ref={button}
          type="button"
          aria-label="Message actions"
          aria-haspopup="true"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          className="rounded px-1.5 text-sm leading-5 text-slate-600 hover:bg-slate-200 md:opacity-0 md:group-hover:opacity-100 md:focus:opacity-100 aria-expanded:opacity-100"
        >
          ⋯
        </button>
        {open && (
          <div
            ref={menu}
            onKeyDown={onKeyDown}
            className={`absolute top-6 z-20 min-w-40 rounded-md border border-slate-200 bg-surface py-1 text-sm shadow-lg ${align === 'end' ? 'right-0' : 'left-0'}`}
          >
            {actions.map((action) => (
              <button key={action.id} type="button" onClick={() => choose(action)} className="block w-full px-3 py-1.5 text-left hover:bg-slate-100 focus:bg-slate-100">
                {action.label}
              </button>
            ))}
          </div>
        )}
      </div>
      {panel?.Panel && (
        <div className="basis-full">
          <panel.Panel context={context} close={() => setPanel(null)} />
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

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    try {
      await apiFetch('/api/v1/reports', { method: 'POST', body: JSON.stringify({ messageId: context.message.id, reason }) });
      setSent(true);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  if (sent) return <p role="status" className="mt-1 text-xs text-slate-600">Reported. Thank you.</p>;
  return (
    <form onSubmit={onSubmit} className="mt-1 flex flex-wrap gap-1 text-xs">
      <label className="min-w-0 flex-1">
        <span className="sr-only">Reason for reporting</span>
        <input ref={input} name="reason" placeholder="Why?" className="w-full rounded border border-slate-300 bg-surface px-1 py-0.5" />
      </label>
      <button type="submit" className="rounded bg-red-700 px-2 text-white">
        Send report
      </button>
      <button type="button" onClick={close} className="rounded border border-slate-300 px-2">
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
