import webpush from 'web-push';
import type { PrismaClient } from '../db/generated/client';
import { type PushPayload, PermanentJobError } from './job-queue';
import type { VapidKeys } from './vapid';

// A push the browser has not picked up within a day is no longer news.
const PUSH_TTL_SECONDS = 24 * 60 * 60;
const PUSH_TIMEOUT_MS = 10_000;

/**
 * Sends one push to one subscription, encrypted to the browser's keys (aes128gcm) and signed with
 * VAPID by web-push; we send the request it builds ourselves, so that the endpoint's own scheme is
 * used (web-push's sender speaks only https; tests stand in for the push service over http). The
 * push service's answer decides what follows: 404/410 means the subscription is gone (removed
 * here); 429 and 5xx (and network errors) throw for a retry with backoff; any other refusal is final.
 */
export async function deliverPush(db: PrismaClient, vapid: VapidKeys, subscriptionId: string, payload: PushPayload): Promise<void> {
  const subscription = await db.pushSubscription.findFirst({ where: { id: subscriptionId, session: { revokedAt: null } } });
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
  const response = await fetch(request.endpoint, {
    method: request.method,
    headers: request.headers as Record<string, string>,
    body: request.body ? new Uint8Array(request.body) : null,
    redirect: 'error',
    signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (response.ok) return;
  if (response.status === 404 || response.status === 410) {
    await db.pushSubscription.deleteMany({ where: { id: subscription.id } });
    return;
  }
  if (response.status === 429 || response.status >= 500) throw new Error(`push service answered ${response.status}`);
  throw new PermanentJobError(`push service refused the push: ${response.status}`);
}
