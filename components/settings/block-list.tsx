'use client';

import { useRef } from 'react';
import { apiFetch } from '@/lib/api-client';
import { Panel } from '../ui/panel';
import { useApiList } from '../ui/use-api-list';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';

type Blocked = { handle: string; displayName: string; createdAt: string };

/** People the user blocked, each with a way to unblock. */
export function BlockList() {
  const { items: blocks, loaded, error, act } = useApiList<Blocked>('/api/v1/blocks', (body) => body.blocks);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, blocks);
  const unblock = (handle: string) => act(() => apiFetch(`/api/v1/blocks/${handle}`, { method: 'DELETE' }));

  return (
    <Panel id="blocks" title="Blocked people" error={error}>
      {loaded && blocks.length === 0 && <p className="text-sm text-slate-600">You have not blocked anyone.</p>}
      <ul ref={list} aria-label="Blocked people" className="divide-y divide-slate-100">
        {blocks.map((blocked) => (
          <li key={blocked.handle} className="flex items-center justify-between py-2 text-sm">
            <span>
              {blocked.displayName} <span className="text-slate-600">@{blocked.handle}</span>
            </span>
            <button type="button" onClick={() => void unblock(blocked.handle)} className="rounded border border-slate-300 px-2 py-1">
              Unblock @{blocked.handle}
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
