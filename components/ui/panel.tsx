import type { ReactNode } from 'react';

/** A titled card of the settings and admin pages; `id` names the heading the section is labelled by. */
export function Panel({ id, title, error, children }: { id: string; title: string; error?: string | null; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="min-w-0 rounded-xl bg-surface p-4 shadow">
      {/* Focusable from script only: where focus goes when the row it was on is removed (use-focus-after-removal). */}
      <h2 id={`${id}-heading`} tabIndex={-1} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {children}
    </section>
  );
}
