// Relay's service worker: shows pushed notifications and opens their conversation on click.
// A push carries only what it shows: { title, body, roomId, url, tag } (docs/notifications.md).

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = data.title || 'New message';
  // One notification per conversation: a newer one replaces it (same tag) instead of piling up.
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || '',
      tag: data.tag || (data.roomId ? `room:${data.roomId}` : 'relay'),
      renotify: true,
      data: { url: data.url || '/', roomId: data.roomId || null },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // A tab already on that conversation is focused; else an open Relay tab is asked to show it (no
      // reload) and focused; else a new tab opens there.
      const tab = windows.find((client) => new URL(client.url).pathname === url.pathname) || windows[0];
      if (!tab) return self.clients.openWindow(url.href);
      tab.postMessage({ type: 'relay:open', url: url.pathname });
      return tab.focus();
    })(),
  );
});
