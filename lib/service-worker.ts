// The one service worker (public/sw.js): push notifications, and the page kept for opening offline.

/**
 * Has the service worker keep this page and what it loaded. A page loaded before the worker controlled
 * it (the first visit) went past it, so it sends the worker what to fetch and keep.
 */
export async function keepPageForOffline(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const controlled = navigator.serviceWorker.controller !== null;
  const registration = await registerServiceWorker();
  if (controlled) return;
  const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
  registration.active?.postMessage({ type: 'relay:keep', urls: [window.location.pathname, ...loaded] });
}

/** Registers the worker (once per browser; later calls return the same) and resolves when it is active. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(() => navigator.serviceWorker.ready);
}
