'use client';

import { useEffect, useRef, useState } from 'react';

/** A destructive action asked twice: the button turns into a question with Confirm / Cancel. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm }: { label: string; question: string; confirmLabel: string; onConfirm: () => Promise<void> | void }) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button ref={opener} type="button" onClick={() => setAsking(true)} className="rounded border border-red-300 bg-surface px-3 py-1 text-red-800">
        {label}
      </button>
    );
  }
  return (
    <span role="group" aria-label={question} className="flex flex-wrap items-center gap-2">
      <span>{question}</span>
      <button ref={confirm} type="button" onClick={() => void Promise.resolve(onConfirm()).finally(() => setAsking(false))} className="rounded bg-red-700 px-3 py-1 font-medium text-white">
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)} className="rounded border border-slate-400 bg-surface px-3 py-1">
        Cancel
      </button>
    </span>
  );
}
