import { type Browser, expect, test } from './fixtures';
import { openChatWith, PASSWORD, send, trackPageErrors, uniqueHandle } from './helpers';

// Generous waits: signing up (bcrypt) and starting a service worker are slow on a loaded machine.
const SLOW = { timeout: 60_000 };

async function signUp(browser: Browser, prefix: string, displayName: string, errors: ReturnType<typeof trackPageErrors>) {
  const handle = uniqueHandle(prefix);
  const page = await (await browser.newContext()).newPage();
  errors.watch(page);
  await page.goto('/signup');
  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible(SLOW);
  return { handle, page };
}

// The browser side of notifications: the one-time offer (never on first load), the permission (granted
// through Playwright), the service worker, and a push shown by it. The push is handed to the service
// worker through the DevTools protocol: a real push service is out of reach from this machine.
test('offers notifications after the first send, registers the service worker, and shows a push', async ({ browser, baseURL }) => {
  // Two sign-ups and a service worker on a busy machine.
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const offer = bob.page.getByRole('dialog', { name: 'Turn on notifications' });
  await expect(offer).toHaveCount(0);

  await openChatWith(bob, alice.handle);
  await send(bob, 'hello alice');
  await expect(offer).toBeVisible(SLOW);
  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  await offer.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(offer).toHaveCount(0, SLOW);
  expect(await bob.page.evaluate(() => Notification.permission)).toBe('granted');
  const scriptURL = await bob.page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(scriptURL).toBe(`${baseURL}/sw.js`);

  // Offered once: not again after a reload.
  await bob.page.reload();
  await expect(bob.page.getByRole('button', { name: 'Sign out' })).toBeVisible(SLOW);
  await expect(offer).toHaveCount(0);

  // A push as the server sends it, delivered to the worker: it shows one notification for the room.
  const cdp = await bob.page.context().newCDPSession(bob.page);
  const registrationId = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find((registration: { scopeURL: string; isDeleted: boolean }) => registration.scopeURL === `${baseURL}/` && !registration.isDeleted);
      if (mine) resolve(mine.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  const payload = { title: 'New message from Alice', body: 'are you there?', roomId: 'room-1', url: '/c/room-1', tag: 'room:room-1' };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId: await registrationId, data: JSON.stringify(payload) });
  await expect
    .poll(
      () =>
        bob.page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((shown) => ({ title: shown.title, body: shown.body, tag: shown.tag, data: shown.data })),
        ),
      SLOW,
    )
    .toEqual([{ title: payload.title, body: payload.body, tag: payload.tag, data: { url: '/c/room-1', roomId: 'room-1' } }]);
  expect(errors.list).toEqual([]);
});

// The click itself is the operating system's: the test hands the service worker the same event it would get.
test('a click on a notification shows its conversation in the open tab', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'ping');
  await bob.page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Alice/ }).click();
  await bob.page.getByRole('region', { name: 'Message request', exact: true }).getByRole('button', { name: 'Accept' }).click();
  await expect(bob.page).toHaveURL(/\/c\//);
  const roomUrl = new URL(bob.page.url()).pathname;

  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  const worker = bob.page.context().waitForEvent('serviceworker');
  await bob.page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
  await bob.page.goto('/');
  await expect(bob.page.getByRole('heading', { name: 'Alice' })).toHaveCount(0);
  await bob.page.evaluate(async (url) => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification('New message from Alice', { body: 'ping', tag: 'room:x', data: { url } });
  }, roomUrl);
  await (await worker).evaluate(async () => {
    const scope = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent: (event: Event) => void };
    const [notification] = await scope.registration.getNotifications();
    const NotificationEventType = (self as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event }).NotificationEvent;
    try {
      scope.dispatchEvent(new NotificationEventType('notificationclick', { notification }));
    } catch {
      // waitUntil refuses an event made by a script; the handler's work has started by then.
    }
  });
  await expect(bob.page).toHaveURL(new RegExp(`${roomUrl}$`));
  await expect(bob.page.getByRole('heading', { name: 'Alice' })).toBeVisible();
  expect(errors.list).toEqual([]);
});
