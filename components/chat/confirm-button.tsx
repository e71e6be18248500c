'use client';

import { useEffect, useRef, useState } from 'react';

/** A destructive action asked twice: the button turns into a question with Confirm / Cancel. */
export function ConfirmButton({
  label,
  labelEnd,
  question,
  confirmLabel,
  onConfirm,
}: {
  label: string;
  /** Said to screen readers after `label`, not shown: whom it acts on, where the row already shows it. */
  labelEnd?: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
}) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const group = useRef<HTMLSpanElement>(null);
  // Set when the question closes with focus in it: the button comes back and takes focus, not <body>.
  const refocus = useRef(false);
  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (refocus.current) {
      refocus.current = false;
      opener.current?.focus();
    }
  }, [asking]);

  function close() {
    // An action that moved focus elsewhere (the next field, another button) keeps it there.
    refocus.current = group.current?.contains(document.activeElement) ?? false;
    setAsking(false);
  }

  if (!asking) {
    return (
      <button ref={opener} type="button" onClick={() => setAsking(true)} className="rounded border border-red-300 bg-surface px-3 py-1 text-red-800">
        {label}
        {labelEnd && <span className="sr-only"> {labelEnd}</span>}
      </button>
    );
  }
  return (
    <span
      ref={group}
      role="group"
      aria-label={question}
      // Escape answers the question, not the panel around it.
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        close();
      }}
      className="flex flex-wrap items-center gap-2"
    >
      <span>{question}</span>
      <button ref={confirm} type="button" onClick={() => void Promise.resolve(onConfirm()).finally(close)} className="rounded bg-red-700 px-3 py-1 font-medium text-white">
        {confirmLabel}
      </button>
      <button type="button" onClick={close} className="rounded border border-slate-400 bg-surface px-3 py-1">
        Cancel
      </button>
    </span>
  );
}
