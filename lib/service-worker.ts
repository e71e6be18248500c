// The one service worker (public/sw.js): push notifications, and the page kept for opening offline.

/**
 * Has the service worker keep this page and what it loaded, and Settings. A page loaded before the worker
 * controlled it (the first visit) went past it, so it sends the worker what to fetch and keep. Settings is
 * reached from the chat by the router, which fetches it without a page load the worker would see: it is
 * fetched for keeping here, so it opens offline too (docs/client.md "Offline start").
 */
export async function keepPageForOffline(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const controlled = navigator.serviceWorker.controller !== null;
  const registration = await registerServiceWorker();
  const urls = ['/settings'];
  if (!controlled) urls.push(window.location.pathname, ...performance.getEntriesByType('resource').map((entry) => entry.name));
  registration.active?.postMessage({ type: 'relay:keep', urls });
}

/** Registers the worker (once per browser; later calls return the same) and resolves when it is active. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(() => navigator.serviceWorker.ready);
}

/**
 * Closes this site's notifications still on screen (message text, a way into a conversation): the next
 * person at the browser must find nothing of the account once it signs out or its session ends.
 */
export async function closeShownNotifications(): Promise<void> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
  const shown = (await registration?.getNotifications().catch(() => [])) ?? [];
  for (const notification of shown) notification.close();
}
