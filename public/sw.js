// Relay's service worker: keeps the chat's pages, Settings and scripts so they open offline (docs/client.md
// "Offline start"), shows pushed notifications and opens their conversation on click.
// A push carries only what it shows: { title, body, roomId, url, tag } (docs/notifications.md).

// The chat's pages hold who is signed in: sign-out deletes every cache named `relay-pages…`
// (lib/offline-copy.ts). Built scripts and styles are the same for everyone.
const PAGES = 'relay-pages-v1';
const ASSETS = 'relay-assets-v1';
const PAGES_KEPT = 20;
const ASSETS_KEPT = 400;
const isChatPage = (url) => url.origin === self.location.origin && (url.pathname === '/' || /^\/c\/[^/]+$/.test(url.pathname));
// Settings opened offline shows as last seen (its lists say they need the connection), not the browser's error page.
const isKeptPage = (url) => isChatPage(url) || (url.origin === self.location.origin && url.pathname === '/settings');
const isAsset = (url) => url.origin === self.location.origin && url.pathname.startsWith('/_next/static/');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Keeps a response if it may be kept, dropping the oldest entries past `most`. */
async function keep(cacheName, request, response, most) {
  const cache = await caches.open(cacheName);
  await cache.put(request, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - most)).map((key) => cache.delete(key)));
}

// Only a signed-in chat page is kept (a redirect to sign-in is not), and only built files that never
// change under their name (`immutable`: the production build's; the dev server's change on every edit).
const keepablePage = (response) => response.ok && response.type === 'basic' && !response.redirected && (response.headers.get('content-type') || '').includes('text/html');
const keepableAsset = (response) => response.ok && (response.headers.get('cache-control') || '').includes('immutable');

// The chat's pages are one page (it opens the conversation in the address): '/' if kept, else the newest.
async function anyChatPage(cache) {
  const keys = (await cache.keys()).filter((key) => isChatPage(new URL(key.url)));
  return (await cache.match('/')) || (keys.length > 0 ? cache.match(keys[keys.length - 1]) : undefined);
}

// Kept while the response goes on to the page (`waitUntil`): the page never waits for the cache, and a
// cache that refuses (storage full) costs only the copy.
async function pageFromNetwork(request, waitUntil) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    // Offline: this page as last seen, else, for a chat page, any chat page kept.
    const cache = await caches.open(PAGES);
    const url = new URL(request.url);
    const kept = (await cache.match(url.pathname)) || (isChatPage(url) && (await anyChatPage(cache)));
    if (kept) return kept;
    throw error;
  }
  if (keepablePage(response)) waitUntil(keep(PAGES, new URL(request.url).pathname, response.clone(), PAGES_KEPT).catch(() => {}));
  // Sent to sign in: whoever was signed in here is not any more, and nothing of theirs stays.
  else if (response.type === 'opaqueredirect' || response.redirected) waitUntil(caches.delete(PAGES));
  return response;
}

async function assetFromCache(request, waitUntil) {
  const kept = await caches.match(request, { cacheName: ASSETS });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepableAsset(response)) waitUntil(keep(ASSETS, request, response.clone(), ASSETS_KEPT).catch(() => {}));
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const waitUntil = (promise) => event.waitUntil(promise);
  if (request.mode === 'navigate' && isKeptPage(url)) event.respondWith(pageFromNetwork(request, waitUntil));
  else if (isAsset(url)) event.respondWith(assetFromCache(request, waitUntil));
  // Everything else (the API, the socket, other pages) goes to the network as if there were no worker.
});

// A page loaded before this worker controlled it sends what it loaded, to be kept the same way.
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'relay:keep') return;
  const urls = Array.isArray(event.data.urls) ? event.data.urls : [];
  const keeping = [];
  const waitUntil = (promise) => keeping.push(promise);
  event.waitUntil(
    Promise.all(
      urls.map((href) => {
        const url = new URL(href, self.location.origin);
        if (isKeptPage(url)) return pageFromNetwork(new Request(url.href), waitUntil).catch(() => {});
        if (isAsset(url)) return assetFromCache(new Request(url.href), waitUntil).catch(() => {});
        return null;
      }),
    ).then(() => Promise.all(keeping)),
  );
});

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = data.title || 'New message';
  const body = data.body || '';
  const tag = data.tag || (data.roomId ? `room:${data.roomId}` : 'relay');
  const seq = Number.isInteger(data.seq) ? data.seq : 0;
  // One notification per conversation: a newer one replaces it (same tag) instead of piling up, and
  // alerts again if it speaks of a newer message than the one showing; one already showing that message
  // (the hidden tab alerted at once, this is the push after the delay) is replaced quietly: one message,
  // one alert. A push without `seq` (from before it was sent) goes by its words, as it did.
  event.waitUntil(
    (async () => {
      const shown = await self.registration.getNotifications({ tag }).catch(() => []);
      // A late push (a retry) older than what is showing: the newer one stays (shown again, quietly: a
      // push must show something).
      const newer = seq > 0 && shown.find((notification) => ((notification.data && notification.data.seq) || 0) > seq);
      if (newer) {
        await self.registration.showNotification(newer.title, { body: newer.body, tag, renotify: false, data: newer.data });
        return;
      }
      const covered =
        seq > 0
          ? shown.some((notification) => ((notification.data && notification.data.seq) || 0) >= seq)
          : body !== '' && shown.some((notification) => notification.title === title && notification.body === body);
      await self.registration.showNotification(title, { body, tag, renotify: !covered, data: { url: data.url || '/', roomId: data.roomId || null, seq } });
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // A tab already on that conversation is focused; else an open chat tab is asked to show it (no
      // reload) and focused. Only the chat answers that ask: a Relay tab on another page (Settings,
      // Moderation) is taken to the conversation instead; with none this worker can move, a new tab.
      const onChat = (client) => {
        const path = new URL(client.url).pathname;
        return path === '/' || path.startsWith('/c/');
      };
      const tab = windows.find((client) => new URL(client.url).pathname === url.pathname) || windows.find(onChat);
      if (tab) {
        tab.postMessage({ type: 'relay:open', url: url.pathname });
        return tab.focus();
      }
      for (const client of windows) {
        // Refused for a tab this worker does not control (opened before it was installed).
        const moved = await client.navigate(url.href).catch(() => null);
        if (moved) return moved.focus().catch(() => moved);
      }
      return self.clients.openWindow(url.href);
    })(),
  );
});
