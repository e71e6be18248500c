type Ask<V> = { key: string; resolve: (value: V) => void; reject: (error: unknown) => void };

/**
 * Look-ups asked for in one turn of the event loop, answered by one query: `loadAll` gets each distinct
 * key once and returns what it found by key (a key it leaves out gets `missing`). Per-message look-ups
 * (a session, a receipt's audience) would otherwise be a query each, thousands a second under load.
 * With `gatherMs`, those asked within that long of the first go together (for answers that can wait).
 */
export function perTurn<V>(loadAll: (keys: string[]) => Promise<Map<string, V>>, missing: V, gatherMs = 0): (key: string) => Promise<V> {
  let asks: Ask<V>[] = [];
  const answerAll = async () => {
    const batch = asks;
    asks = [];
    try {
      const found = await loadAll([...new Set(batch.map((ask) => ask.key))]);
      for (const ask of batch) ask.resolve(found.has(ask.key) ? found.get(ask.key)! : missing);
    } catch (error) {
      for (const ask of batch) ask.reject(error);
    }
  };
  return (key) =>
    new Promise((resolve, reject) => {
      if (asks.push({ key, resolve, reject }) !== 1) return;
      if (gatherMs > 0) setTimeout(() => void answerAll(), gatherMs);
      else setImmediate(() => void answerAll());
    });
}
