'use client';

import { useRef, useState } from 'react';
import { type AttachmentInfo, MODERATION_PAGE } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { type Act, send } from '../ui/use-api-list';
import { useModerationList } from './moderation-changes';
import { MoreOfQueue } from './more-of-queue';
import { ReasonField, useReason } from './reason-field';
import { ReviewedFiles } from './reviewed-files';

type Held = {
  id: string;
  sender: string | null;
  to: { kind: 'direct'; handle: string | null } | { kind: 'group'; name: string };
  body: string;
  attachments: AttachmentInfo[];
  reason: string;
  createdAt: string;
};

const recipient = (to: Held['to']) => (to.kind === 'group' ? `the group "${to.name}"` : `@${to.handle}`);

/** Messages the spam checks held back, oldest first: release into the conversation, or discard. */
export function HeldQueue() {
  const [limit, setLimit] = useState(MODERATION_PAGE);
  const { items: held, loaded, total, error, act } = useModerationList<Held>(`/api/v1/admin/held?limit=${limit}`, (body) => body.held);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, held);
  return (
    <Panel id="held" title="Held for review" error={error}>
      {loaded && held.length === 0 && <p className="text-sm text-slate-600">Nothing held.</p>}
      <ul ref={list} aria-label="Held messages" className="space-y-3 text-sm">
        {held.map((item) => (
          <HeldItem key={item.id} item={item} act={act} />
        ))}
      </ul>
      <MoreOfQueue shown={held.length} total={total} what="held messages" limit={limit} setLimit={setLimit} />
    </Panel>
  );
}

function HeldItem({ item, act }: { item: Held; act: Act }) {
  const why = useReason();
  const decide = (action: 'release' | 'discard') => () => void act(() => send(`/api/v1/admin/held/${item.id}`, 'POST', { action, reason: why.reason }));
  return (
    <li className="space-y-1 [overflow-wrap:anywhere]">
      <p>
        <strong>@{item.sender}</strong> to {recipient(item.to)} ({item.reason}): {item.body}
      </p>
      <ReviewedFiles attachments={item.attachments} />
      <div className="flex flex-wrap items-end gap-2">
        <div className="grow">
          <ReasonField label="Reason (optional, kept in the audit log)" state={why} />
        </div>
        <button type="button" onClick={decide('release')} className="rounded border border-slate-300 px-2">
          Release
        </button>
        <button type="button" onClick={decide('discard')} className="rounded border border-red-300 px-2 text-red-800">
          Discard
        </button>
      </div>
    </li>
  );
}
