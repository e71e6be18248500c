'use client';

import { useState } from 'react';

// Dark enough for white initials to pass WCAG AA on every one; fixed hex so dark mode keeps them.
const COLOURS = ['#4338ca', '#065f46', '#be123c', '#075985', '#92400e', '#6d28d9', '#115e59', '#334155'];

function colourOf(handle: string) {
  let hash = 0;
  for (const char of handle) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

// Whole characters as the reader sees them: an emoji, a flag or a family is one, never half of one
// (a string index is one UTF-16 unit, and would show a lone surrogate as "�").
// One segmenter, made once: making one per name was a measurable part of rendering a busy conversation.
const segmenter = new Intl.Segmenter();
const graphemes = (text: string) => Array.from(segmenter.segment(text), (part) => part.segment);

// Avatars re-render with the lists around them, for the same few names: each is worked out once.
const initialsByName = new Map<string, string>();
const INITIALS_KEPT = 1_000;

export function initialsOf(name: string) {
  const known = initialsByName.get(name);
  if (known !== undefined) return known;
  const words = name.trim().split(/\s+/).filter(Boolean).map(graphemes);
  const letters = (words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? ['?']).slice(0, 2).join('')).toUpperCase();
  if (initialsByName.size >= INITIALS_KEPT) initialsByName.clear();
  initialsByName.set(name, letters);
  return letters;
}

/**
 * The person's profile picture (`url`, their avatarUrl) over their initials on a colour derived from the
 * handle: the initials show while it loads, when there is none, and when it fails to load. Decorative:
 * the name is always beside it.
 */
export function Avatar({ handle, name, url = null, size = 'md' }: { handle: string; name: string; url?: string | null; size?: 'sm' | 'md' | 'lg' }) {
  // The URL that failed, not a flag: a new picture (a new URL) is tried again.
  const [failed, setFailed] = useState<string | null>(null);
  const box = size === 'sm' ? 'h-7 w-7 text-[11px]' : size === 'lg' ? 'h-16 w-16 text-lg' : 'h-9 w-9 text-xs';
  return (
    <span
      aria-hidden="true"
      data-avatar={handle}
      className={`relative inline-flex shrink-0 select-none items-center justify-center overflow-hidden rounded-full font-semibold text-white ${box}`}
      style={{ backgroundColor: colourOf(handle) }}
    >
      {initialsOf(name)}
      {url && failed !== url && (
        // A plain <img>: the picture is already 256 px WebP, served by our API with its own caching.
        // eslint-disable-next-line @next/next/no-img-element
        <img src={url} alt="" loading="lazy" decoding="async" onError={() => setFailed(url)} className="absolute inset-0 h-full w-full object-cover" />
      )}
    </span>
  );
}
