'use client';

import { useId, useState } from 'react';

/**
 * The moderator's own words for an action, which the audit log keeps as its "why". `require`
 * wraps an action that must not go without one: it refuses (and says so) while the field is empty.
 * The action says whether it went (`act`'s answer).
 */
export function useReason() {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const require = (action: (reason: string) => Promise<boolean>) => async () => {
    const why = reason.trim();
    setMissing(!why);
    if (!why) return;
    // A reason is for one action: the next one (say, a restore after a ban) needs its own. A refused
    // action keeps it, to try again or elsewhere without typing it again.
    if (await action(why)) setReason((typed) => (typed.trim() === why ? '' : typed));
  };
  const change = (value: string) => {
    setReason(value);
    if (value.trim()) setMissing(false);
  };
  return { reason: reason.trim(), value: reason, missing, change, require };
}

export function ReasonField({ label, state }: { label: string; state: ReturnType<typeof useReason> }) {
  const hintId = useId();
  return (
    <div className="text-xs">
      <label className="block">
        {label}
        <input
          value={state.value}
          onChange={(event) => state.change(event.target.value)}
          maxLength={500}
          aria-invalid={state.missing || undefined}
          aria-describedby={state.missing ? hintId : undefined}
          className="mt-0.5 block w-full rounded border border-slate-300 px-2 py-1 text-sm"
        />
      </label>
      {state.missing && (
        <p id={hintId} role="alert" className="text-red-800">
          Say why first: the reason goes in the audit log.
        </p>
      )}
    </div>
  );
}
