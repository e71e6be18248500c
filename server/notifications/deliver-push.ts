import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import webpush from 'web-push';
import type { PrismaClient } from '../db/generated/client';
import { type PushPayload, PermanentJobError } from './job-queue';
import { isPrivateHost, type LookupAll, lookupAll } from './push-subscriptions';
import type { VapidKeys } from './vapid';

// A push the browser has not picked up within a day is no longer news.
const PUSH_TTL_SECONDS = 24 * 60 * 60;
const PUSH_TIMEOUT_MS = 10_000;

/**
 * Sends one push to one subscription of one user, encrypted to the browser's keys (aes128gcm) and signed with
 * VAPID by web-push; we send the request it builds ourselves, so that the endpoint's own scheme is
 * used (web-push's sender speaks only https; tests stand in for the push service over http). The
 * push service's answer decides what follows: 404/410 means the subscription is gone (removed
 * here); 429 and 5xx (and network errors) throw for a retry with backoff; any other refusal is final.
 * An endpoint that turns out to be inside our network when the push is sent (its name resolved
 * elsewhere when it was saved: DNS rebinding) is never connected to, and the subscription is removed;
 * `allowPrivate` (PUSH_INSECURE_ENDPOINTS) lets the tests' local push service through.
 */
export async function deliverPush(
  db: PrismaClient,
  vapid: VapidKeys,
  to: { id: string; userId: string },
  payload: PushPayload,
  options: { allowPrivate: boolean; lookup?: LookupAll },
): Promise<void> {
  // Still that user's: a browser someone else signed in on since has moved its subscription to them.
  const subscription = await db.pushSubscription.findFirst({ where: { id: to.id, userId: to.userId, session: { revokedAt: null } } });
  if (!subscription) return;
  let request: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    request = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(payload),
      { vapidDetails: vapid, TTL: PUSH_TTL_SECONDS, urgency: 'normal' },
    );
  } catch {
    // Keys nothing can be encrypted to (stored before they were checked): no push will ever go, as if gone.
    await db.pushSubscription.deleteMany({ where: { id: subscription.id } });
    return;
  }
  let status: number;
  try {
    const lookup = options.allowPrivate ? undefined : publicOnly(options.lookup ?? lookupAll);
    status = await post(request.endpoint, { method: request.method, headers: request.headers as OutgoingHttpHeaders, body: request.body }, lookup);
  } catch (error) {
    if (!(error instanceof InsideOurNetwork)) throw error;
    await db.pushSubscription.deleteMany({ where: { id: subscription.id } });
    throw new PermanentJobError(error.message);
  }
  if (status >= 200 && status < 300) return;
  if (status === 404 || status === 410) {
    await db.pushSubscription.deleteMany({ where: { id: subscription.id } });
    return;
  }
  if (status === 429 || status >= 500) throw new Error(`push service answered ${status}`);
  throw new PermanentJobError(`push service refused the push: ${status}`);
}

class InsideOurNetwork extends Error {}

/** Posts the push and gives the answer's status; redirects are not followed (a push service never sends one). */
function post(endpoint: string, details: { method: string; headers: OutgoingHttpHeaders; body: Buffer | null }, lookup: ReturnType<typeof publicOnly> | undefined): Promise<number> {
  const url = new URL(endpoint);
  // A literal address is connected to without a look-up; a name only through one that refuses our network.
  if (lookup && isPrivateHost(url.hostname)) return Promise.reject(new InsideOurNetwork(`push endpoint ${url.hostname} is inside our network`));
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: details.method, headers: details.headers, timeout: PUSH_TIMEOUT_MS, lookup }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.statusCode ?? 0));
      answer.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`push service did not answer within ${PUSH_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(details.body ?? undefined);
  });
}

/** A look-up for the connection that refuses a name any of whose addresses is inside our network, as it connects. */
function publicOnly(resolve: LookupAll) {
  return (hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const inside = addresses.find(({ address }) => isPrivateHost(address));
        if (inside) return callback(new InsideOurNetwork(`push endpoint ${hostname} resolves to ${inside.address}, inside our network`), []);
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error, []),
    );
  };
}
