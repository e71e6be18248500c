'use client';

import { MODERATION_PAGE, MODERATION_QUEUE_MAX } from '@/lib/schemas';

/**
 * Under a queue that lists its oldest: how many more there are, and a button to list more of them (up to
 * MODERATION_QUEUE_MAX at once; past that, what is dealt with makes room).
 */
export function MoreOfQueue({ shown, total, what, limit, setLimit }: { shown: number; total: number | null; what: string; limit: number; setLimit: (limit: number) => void }) {
  if (total === null || total <= shown) return null;
  const more = Math.min(MODERATION_PAGE, total - shown, MODERATION_QUEUE_MAX - limit);
  return (
    <div className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
      <p>
        Showing the oldest {shown} of {total} {what}.
      </p>
      {more > 0 ? (
        <button type="button" onClick={() => setLimit(limit + more)} className="rounded border border-slate-300 px-2 py-1">
          Show {more} more
        </button>
      ) : (
        <p>Deal with these to see the rest.</p>
      )}
    </div>
  );
}
