'use client';

import { useCallback, useEffect, useState } from 'react';
import { apiFetch } from '@/lib/api-client';

/** Runs an action, then reloads the list; a failure shows as the list's error. */
export type Act = (action: () => Promise<unknown>) => Promise<void>;

/** Loads a list from our API, with a reload for after an action and the last error to show. */
export function useApiList<T>(path: string, pick: (body: any) => T[]) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    apiFetch<unknown>(path)
      .then((body) => setItems(pick(body)))
      .catch((failure) => setError((failure as Error).message));
    // `pick` is a plain accessor; reloading when the path changes is enough.
  }, [path]);
  useEffect(reload, [reload]);
  const act: Act = async (action) => {
    setError(null);
    try {
      await action();
      reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return { items, error, reload, act };
}

export const send = (path: string, method: string, body: object) => apiFetch(path, { method, body: JSON.stringify(body) });
