'use client';

import { useEffect, useRef } from 'react';

/**
 * A page's one h1, which takes focus on arriving when nothing else has it: moving here from the chat
 * otherwise leaves focus on <body>, and keyboard and screen reader users start again from the top.
 */
export function PageTitle({ title }: { title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold">
      {title}
    </h1>
  );
}
