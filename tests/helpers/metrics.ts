import type { AppServer } from './app-server';

/** The token test servers started with `METRICS_ENV` serve /api/metrics under. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
export const METRICS_ENV = { METRICS_TOKEN };

/**
 * A node's group commits so far: how many batches, and how many stored more than one send. A test
 * about sends meeting in one batch (or racing inside the database) compares these before and after.
 */
export async function appendBatches(server: AppServer) {
  const text = await (await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (pattern: RegExp) => {
    const match = text.match(pattern);
    if (!match) throw new Error(`no ${pattern} in the node's metrics`);
    return Number(match[1]);
  };
  const all = value(/^relay_append_batch_sends_count (\d+)/m);
  return { all, multi: all - value(/^relay_append_batch_sends_bucket\{le="1"\} (\d+)/m) };
}
