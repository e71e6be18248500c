'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';

/** Runs an action, then reloads the list; a failure shows as the list's error. Says whether it went. */
export type Act = (action: () => Promise<unknown>) => Promise<boolean>;

/**
 * Loads a list from our API, with a reload for after an action and the last error to show. A change
 * of `version` reloads it too: something else on the page changed what it lists. So does coming back
 * to the page (its tab shown again, its window focused): what it lists may have changed in another tab
 * or on another device meanwhile (someone blocked there, a device signed out).
 * `loaded` is false until a load has answered: an empty list is only "none" once the server said so.
 * `total`: how many there are in all, for a list that shows only the first of them (its answer's `total`).
 */
export function useApiList<T>(path: string, pick: (body: any) => T[], version = 0) {
  const [items, setItems] = useState<T[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [total, setTotal] = useState<number | null>(null);
  // Why the list could not load (gone once it loads again), and why an action failed (gone at the next).
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setError] = useState<string | null>(null);
  // Only the answer to the latest ask is shown: a slow answer to an earlier search must not replace it.
  const latest = useRef(0);
  const reload = useCallback(() => {
    const ask = ++latest.current;
    apiFetch<unknown>(path)
      .then((body) => {
        if (ask !== latest.current) return;
        setItems(pick(body));
        setTotal(typeof (body as { total?: unknown }).total === 'number' ? (body as { total: number }).total : null);
        setLoaded(true);
        setLoadError(null);
      })
      .catch((failure) => ask === latest.current && setLoadError((failure as Error).message));
    // `pick` is a plain accessor; reloading when the path or the version changes is enough.
  }, [path, version]);
  useEffect(reload, [reload]);
  useEffect(() => {
    const reloadIfShown = () => document.visibilityState === 'visible' && reload();
    window.addEventListener('focus', reloadIfShown);
    document.addEventListener('visibilitychange', reloadIfShown);
    return () => {
      window.removeEventListener('focus', reloadIfShown);
      document.removeEventListener('visibilitychange', reloadIfShown);
    };
  }, [reload]);
  const act: Act = async (action) => {
    setError(null);
    try {
      await action();
      reload();
      return true;
    } catch (failure) {
      setError((failure as Error).message);
      return false;
    }
  };
  return { items, loaded, total, error: actionError ?? loadError, reload, act };
}

export const send = (path: string, method: string, body: object) => apiFetch(path, { method, body: JSON.stringify(body) });
