import { apiFetch } from '@/lib/api-client';
import { registerServiceWorker } from '@/lib/service-worker';

// The browser side of Web Push: service worker, permission, subscription (docs/notifications.md).

export const PROMPTED_KEY = 'relay:notifications-prompted';
export const SOUND_KEY = 'relay:notification-sound';

export const pushSupported = () =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/**
 * Subscribes this browser (reusing its subscription if it has one) and gives it to the server for
 * this device session. Posting an existing subscription again is how a new sign-in takes it over.
 */
export const NO_PUSH_SERVICE = 'This browser could not be reached by pushes (a private window, or a browser without a push service): notifications show only while Relay is open in it.';

export async function subscribePush(): Promise<PushSubscription> {
  const registration = await registerServiceWorker();
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    const { publicKey } = await apiFetch<{ publicKey: string }>('/api/v1/push/key');
    // The browser's own words ("Registration failed - permission denied", while permission is granted) say
    // nothing to a person: the usual cause is a browser with no push service (a private window, some builds).
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) }).catch((error: unknown) => {
      console.warn('[relay] push subscribe:', error);
      throw new Error(NO_PUSH_SERVICE);
    });
  }
  await apiFetch('/api/v1/push/subscriptions', { method: 'POST', body: JSON.stringify(subscription.toJSON()) });
  return subscription;
}

/** Whether this browser holds a push subscription: without one, no push can reach it even with permission. */
export async function hasPushSubscription(): Promise<boolean> {
  return (await (await registerServiceWorker()).pushManager.getSubscription()) !== null;
}

/** Asks for permission (only from a click), then subscribes; false when the user said no. */
export async function enablePush(): Promise<boolean> {
  if (!pushSupported()) return false;
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return false;
  await subscribePush();
  return true;
}

export const soundEnabled = () => typeof window !== 'undefined' && window.localStorage.getItem(SOUND_KEY) !== 'off';

function fromBase64Url(value: string): Uint8Array<ArrayBuffer> {
  const base64 = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const bytes = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let index = 0; index < bytes.length; index++) out[index] = bytes.charCodeAt(index);
  return out;
}
