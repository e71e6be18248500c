'use client';

import { useEffect, useRef, useState } from 'react';
import { apiFetch, NoConnectionError } from '@/lib/api-client';
import type { PublicUser } from '@/lib/schemas';
import { useChat, useChatStore } from '../providers/chat-provider';
import { useEarlyTyping } from '../ui/use-early-typing';
import { openDirect } from './open-direct';

/** Finds people by handle or name; picking one opens the conversation with them. */
export function UserSearch() {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  // What the words typed found when nobody or no answer, said rather than shown as an empty list.
  const [outcome, setOutcome] = useState<{ query: string; problem: string | null; offline: boolean } | null>(null);
  const [tries, setTries] = useState(0);
  const connected = useChat((state) => state.connected);
  const store = useChatStore();
  const field = useRef<HTMLInputElement>(null);
  useEarlyTyping(field, setQuery);

  // Each change of the words asks anew; an answer to words since changed is dropped, so a slow answer
  // to "al" cannot replace the one to "alice".
  useEffect(() => {
    const words = query.trim();
    if (!words) {
      setResults([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      apiFetch<{ users: PublicUser[] }>(`/api/v1/users?q=${encodeURIComponent(query)}`)
        .then(({ users }) => {
          if (!current) return;
          setResults(users);
          setOutcome({ query: words, problem: users.length > 0 ? null : `No one found for “${words}”`, offline: false });
        })
        .catch((failure: unknown) => {
          if (!current) return;
          setResults([]);
          const offline = failure instanceof NoConnectionError;
          const problem = offline ? 'No connection to the server: this runs again once it is back.' : failure instanceof Error ? failure.message : 'Something went wrong.';
          setOutcome({ query: words, problem, offline });
        });
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, tries]);

  // A search that failed for want of a connection runs again by itself when it is back.
  const wasConnected = useRef(connected);
  useEffect(() => {
    const cameBack = connected && !wasConnected.current;
    wasConnected.current = connected;
    if (cameBack && outcome?.offline) setTries((count) => count + 1);
    // Only the connection coming back says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connected]);
  const problem = outcome && outcome.query === query.trim() ? outcome.problem : null;

  function pick(user: PublicUser) {
    openDirect(store, user);
    setQuery('');
    // Gone with the conversation's opening, so focus can move to its message box (composer.tsx).
    setResults([]);
  }

  return (
    <div className="border-b border-slate-200 p-3">
      <label className="block text-xs font-medium text-slate-600">
        Find people
        <input
          ref={field}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search by name or handle"
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm font-normal"
        />
      </label>
      <p role="status" className="empty:hidden mt-2 text-sm text-slate-600">
        {problem}
      </p>
      {results.length > 0 && (
        <ul aria-label="People" className="mt-2 space-y-1">
          {results.map((user) => (
            <li key={user.handle}>
              <button type="button" onClick={() => pick(user)} className="w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-100">
                {user.displayName} <span className="text-slate-600">@{user.handle}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
