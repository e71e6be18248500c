'use client';

import { useEffect, useState } from 'react';
import { useHydrated } from './use-hydrated';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'relay:theme';

const readTheme = (): Theme => {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
};

function applyTheme(theme: Theme) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Applies the theme picked in settings on every page (without one, the system's choice applies). */
export function ThemeSync() {
  useEffect(() => applyTheme(readTheme()), []);
  return null;
}

/** The settings control: follow the system, or always light, or always dark. */
export function ThemeSetting() {
  const [theme, setTheme] = useState<Theme>('system');
  const hydrated = useHydrated();
  useEffect(() => setTheme(readTheme()), []);

  function choose(next: Theme) {
    setTheme(next);
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    applyTheme(next);
  }

  return (
    <fieldset className="flex flex-wrap gap-4 text-sm">
      <legend className="sr-only">Theme</legend>
      {(['system', 'light', 'dark'] as const).map((option) => (
        <label key={option} className="flex items-center gap-1">
          <input type="radio" name="theme" value={option} checked={theme === option} disabled={!hydrated} onChange={() => choose(option)} />
          {option === 'system' ? 'Match the system' : option === 'light' ? 'Light' : 'Dark'}
        </label>
      ))}
    </fieldset>
  );
}
