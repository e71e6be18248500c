'use client';

import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { PublicUser } from '@/lib/schemas';
import { useChatStore } from '../providers/chat-provider';
import { useEarlyTyping } from '../ui/use-early-typing';
import { openDirect } from './open-direct';

/** Finds people by handle or name; picking one opens the conversation with them. */
export function UserSearch() {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  const store = useChatStore();
  const field = useRef<HTMLInputElement>(null);
  useEarlyTyping(field, setQuery);

  useEffect(() => {
    if (!query.trim()) {
      setResults([]);
      return;
    }
    const timer = setTimeout(() => {
      apiFetch<{ users: PublicUser[] }>(`/api/v1/users?q=${encodeURIComponent(query)}`)
        .then(({ users }) => setResults(users))
        .catch(() => setResults([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [query]);

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
