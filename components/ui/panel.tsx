import type { ReactNode } from 'react';

/** A titled card of the settings and admin pages; `id` names the heading the section is labelled by. */
export function Panel({ id, title, error, children }: { id: string; title: string; error?: string | null; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="min-w-0 rounded-xl bg-surface p-4 shadow">
      <h2 id={`${id}-heading`} className="mb-3 text-lg font-semibold">
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
