import type { Worker } from '@playwright/test';
import { type Browser, expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, aliceOnPhoneAskedByBob, anotherDevice, apiUser, openChatWith, otherTab, PASSWORD, roomIdWith, send, trackPageErrors, uniqueHandle } from './helpers';

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
  // A region below the app, not a dialog: it takes no focus from the message being written.
  const offer = bob.page.getByRole('region', { name: 'Turn on notifications' });
  await expect(offer).toHaveCount(0);

  await openChatWith(bob, alice.handle);
  type Marked = Window & { statusBefore?: Element[] };
  await bob.page.evaluate(() => ((window as Marked).statusBefore = [...document.querySelectorAll('[role="status"]')]));
  await send(bob, 'hello alice');
  await expect(offer).toBeVisible(SLOW);
  // Its question is said by screen readers: it lands in a live region that was on the page before.
  const question = offer.getByRole('status');
  await expect(question).toHaveText('Get a notification when a message arrives while you are away?');
  expect(await question.evaluate((element) => ((window as Marked).statusBefore ?? []).includes(element))).toBe(true);
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
  const payload = { title: 'New message from Alice', body: 'are you there?', roomId: 'room-1', url: '/c/room-1', tag: 'room:room-1', seq: 7 };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId: await registrationId, data: JSON.stringify(payload) });
  await expect
    .poll(
      () =>
        bob.page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((shown) => ({ title: shown.title, body: shown.body, tag: shown.tag, data: shown.data })),
        ),
      SLOW,
    )
    .toEqual([{ title: payload.title, body: payload.body, tag: payload.tag, data: { url: '/c/room-1', roomId: 'room-1', seq: 7 } }]);
  expect(errors.list).toEqual([]);
});

// The click itself is the operating system's: the test hands the service worker the same event it would get.
test('answering the notifications offer puts focus back in the message box, on a phone on the conversation, never on the page', async ({ browser }) => {
  const errors = trackPageErrors();
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? document.activeElement?.tagName);
  // By keyboard, on a laptop: back to writing.
  const { alice } = await acceptedChat(browser, errors, 'hello');
  const offer = alice.page.getByRole('region', { name: 'Turn on notifications' });
  await expect(offer).toBeVisible(SLOW);
  await offer.getByRole('button', { name: 'Not now' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(offer).toHaveCount(0);
  expect(await focused(alice.page)).toBe('Message');

  // By touch, on a phone: the conversation's heading, which pops no keyboard up.
  const phone = await aliceOnPhoneAskedByBob(browser, errors, 'hi');
  await acceptRequest(phone.alice, 'Bob');
  await send(phone.alice, 'hi Bob');
  const phoneOffer = phone.alice.page.getByRole('region', { name: 'Turn on notifications' });
  await expect(phoneOffer).toBeVisible(SLOW);
  await phoneOffer.getByRole('button', { name: 'Not now' }).tap();
  await expect(phoneOffer).toHaveCount(0);
  expect(await focused(phone.alice.page)).toBe('conversation-heading');
  expect(errors.list).toEqual([]);
});

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
  // Every chat page registers the worker (it keeps the page for opening offline): it may be running already.
  const context = bob.page.context();
  const worker = context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker');
  await bob.page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
  await bob.page.goto('/');
  await expect(bob.page.getByRole('heading', { name: 'Alice' })).toHaveCount(0);
  await bob.page.evaluate(async (url) => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification('New message from Alice', { body: 'ping', tag: 'room:x', data: { url } });
  }, roomUrl);
  await clickNotification(await worker);
  await expect(bob.page).toHaveURL(new RegExp(`${roomUrl}$`));
  await expect(bob.page.getByRole('heading', { name: 'Alice' })).toBeVisible();
  expect(errors.list).toEqual([]);
});

type ShownNotification = { title: string; body: string; renotify: boolean; timestamp: number };
const notificationsIn = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((shown) => ({
      title: shown.title,
      body: shown.body,
      renotify: (shown as Notification & { renotify: boolean }).renotify,
      timestamp: (shown as Notification & { timestamp: number }).timestamp,
    })),
  ) as Promise<ShownNotification[]>;

/** Hands the service worker a push, as the browser would on one from the push service. */
async function deliverPush(page: Page, baseURL: string, payload: object) {
  const cdp = await page.context().newCDPSession(page);
  const registrationId = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find((registration: { scopeURL: string; isDeleted: boolean }) => registration.scopeURL === `${baseURL}/` && !registration.isDeleted);
      if (mine) resolve(mine.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL, registrationId: await registrationId, data: JSON.stringify(payload) });
}

/** Clicks the first notification shown, with the event the operating system would hand the worker. */
async function clickNotification(worker: Worker) {
  await worker.evaluate(async () => {
    const scope = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent: (event: Event) => void };
    const [notification] = await scope.registration.getNotifications();
    const NotificationEventType = (self as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event }).NotificationEvent;
    try {
      scope.dispatchEvent(new NotificationEventType('notificationclick', { notification }));
    } catch {
      // waitUntil refuses an event made by a script; the handler's work has started by then.
    }
  });
}

test("signing out takes the account's notifications, and their words, off the screen", async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello');
  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  await bob.page.evaluate(async () => {
    const registration = await navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready);
    await registration.showNotification('New message from Alice', { body: 'the door code is 4711', tag: 'room:x', data: { url: '/' } });
  });
  await expect.poll(async () => (await notificationsIn(bob.page)).map((shown) => shown.body)).toEqual(['the door code is 4711']);
  // A shared computer: the next person at it must find nothing of Bob's chat (docs/client.md).
  await bob.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(bob.page).toHaveURL(/\/signin/, SLOW);
  // Looked at once, not waited for: a headless browser closes notifications by itself after a while.
  expect(await notificationsIn(bob.page)).toEqual([]);
  expect(errors.list).toEqual([]);
});

test('a click on a notification while only Settings is open takes that tab to the conversation', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello');
  const roomUrl = new URL(bob.page.url()).pathname;
  const context = bob.page.context();
  await context.grantPermissions(['notifications'], { origin: baseURL });
  const worker = context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker');
  await bob.page.evaluate(() => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready));
  // The chat's tab closed; Settings open (loaded by the worker's page, so the worker can move it).
  const settings = await context.newPage();
  errors.watch(settings);
  await settings.goto('/settings');
  await bob.page.close();
  await expect(settings.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible(SLOW);
  await settings.evaluate(async (url) => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification('New message from Alice', { body: 'lunch?', tag: 'room:y', data: { url } });
  }, roomUrl);
  await clickNotification(await worker);
  await expect(settings).toHaveURL(new RegExp(`${roomUrl}$`), SLOW);
  await expect(settings.getByRole('heading', { name: 'Alice' })).toBeVisible(SLOW);
  expect(errors.list).toEqual([]);
});

test('the push for a message a hidden tab already alerted replaces it quietly; a newer message alerts again', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello');
  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  await bob.page.evaluate(() => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready));
  const payload = { title: 'New message from Alice', body: 'one message, one alert', roomId: 'room-2', url: '/c/room-2', tag: 'room:room-2' };
  // What the hidden tab showed at once (components/notifications/notification-center.tsx).
  await bob.page.evaluate(async ({ title, body, tag, url, roomId }) => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(title, { body, tag, data: { url, roomId } });
  }, payload);
  await expect.poll(() => notificationsIn(bob.page)).toHaveLength(1);
  const [first] = await notificationsIn(bob.page);
  // The push for it, after the delay: it replaces the first (a later timestamp), without alerting again.
  await deliverPush(bob.page, baseURL!, payload);
  await expect.poll(async () => (await notificationsIn(bob.page))[0]?.timestamp, SLOW).toBeGreaterThan(first.timestamp);
  expect(await notificationsIn(bob.page)).toEqual([expect.objectContaining({ body: payload.body, renotify: false })]);
  // A newer message in the conversation does alert.
  await deliverPush(bob.page, baseURL!, { ...payload, body: 'and another thing' });
  await expect.poll(() => notificationsIn(bob.page), SLOW).toEqual([expect.objectContaining({ body: 'and another thing', renotify: true })]);
  // With message text hidden every push reads alike ("New message from Alice", no words): each alerts.
  const hidden = { ...payload, body: '' };
  await deliverPush(bob.page, baseURL!, hidden);
  await expect.poll(async () => (await notificationsIn(bob.page))[0]?.body, SLOW).toBe('');
  const [firstHidden] = await notificationsIn(bob.page);
  await deliverPush(bob.page, baseURL!, hidden);
  await expect.poll(async () => (await notificationsIn(bob.page))[0]?.timestamp, SLOW).toBeGreaterThan(firstHidden.timestamp);
  expect(await notificationsIn(bob.page)).toEqual([expect.objectContaining({ body: '', renotify: true })]);
  expect(errors.list).toEqual([]);
});

test('a push alerts for a newer message even in the same words, and not again for one already showing', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello');
  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  await bob.page.evaluate(() => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready));
  const payload = { title: 'New message from Alice', body: 'ok', roomId: 'room-3', url: '/c/room-3', tag: 'room:room-3', seq: 5 };
  // What the hidden tab showed at once for message 5 (components/notifications/notification-center.tsx).
  await bob.page.evaluate(async ({ title, body, tag, url, roomId, seq }) => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(title, { body, tag, data: { url, roomId, seq } });
  }, payload);
  await expect.poll(() => notificationsIn(bob.page)).toHaveLength(1);
  const replaced = async (push: object) => {
    const [before] = await notificationsIn(bob.page);
    await deliverPush(bob.page, baseURL!, push);
    await expect.poll(async () => (await notificationsIn(bob.page))[0]?.timestamp, SLOW).toBeGreaterThan(before.timestamp);
    return notificationsIn(bob.page);
  };
  // Its push: quietly.
  expect(await replaced(payload)).toEqual([expect.objectContaining({ body: 'ok', renotify: false })]);
  // "ok" again, a newer message: it alerts.
  expect(await replaced({ ...payload, seq: 9 })).toEqual([expect.objectContaining({ body: 'ok', renotify: true })]);
  // A push grouping it with earlier ones, in other words but of no newer message: quietly.
  expect(await replaced({ ...payload, title: '2 new messages from Alice', seq: 9 })).toEqual([expect.objectContaining({ title: '2 new messages from Alice', renotify: false })]);
  // A late retry of an older push: the newer notification stays as it is.
  expect(await replaced({ ...payload, body: 'older news', seq: 6 })).toEqual([expect.objectContaining({ title: '2 new messages from Alice', body: 'ok', renotify: false })]);
  expect(errors.list).toEqual([]);
});

// What a hidden tab shows must be what the later push would say (docs/notifications.md "What a push
// says"), and follow the user's settings. Every notification the page asks the service worker for is
// recorded, so one replaced by a later one of the same tag still counts; the tab is made "hidden" by
// overriding the Page Visibility API, which is what the page reads.
type Shown = { title: string; body: string; tag: string };

async function watchNotifications(user: { page: Page }, baseURL: string) {
  const context = user.page.context();
  await context.grantPermissions(['notifications'], { origin: baseURL });
  await context.addInitScript(() => {
    const shown: Shown[] = [];
    (window as unknown as { shownNotifications: Shown[] }).shownNotifications = shown;
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
      shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      return show.call(this, title, options);
    };
  });
  await user.page.reload();
  await expect(user.page.getByRole('button', { name: 'Sign out' })).toBeVisible(SLOW);
  await user.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

const shownIn = (page: Page) => page.evaluate(() => (window as unknown as { shownNotifications: Shown[] }).shownNotifications);

/** Waits until the latest notification shown has this body, then returns them all. */
async function shownUpTo(page: Page, body: string): Promise<Shown[]> {
  await expect.poll(async () => (await shownIn(page)).at(-1)?.body, SLOW).toBe(body);
  return shownIn(page);
}

/** Bob's Settings page in a second tab, next to his hidden chat tab. */
async function openSettings(user: { page: Page }) {
  const settings = await user.page.context().newPage();
  await settings.goto('/settings');
  return {
    page: settings,
    set: async (label: string, checked: boolean) => {
      // The box follows the saved settings (after the PATCH), so it is clicked and then waited for.
      const box = settings.getByLabel(label);
      await expect(box).toBeChecked({ checked: !checked, ...SLOW });
      await box.click();
      await expect(box).toBeChecked({ checked, ...SLOW });
    },
  };
}

test("a hidden tab's notification follows the settings and says what the push would", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await watchNotifications(bob, baseURL!);

  // A first message from a stranger is a request: no name of a conversation, no text.
  await openChatWith(alice, bob.handle);
  await send(alice, 'ping from a stranger');
  const request = await shownUpTo(bob.page, '');
  const tag = `room:${await roomIdWith(alice, bob.handle)}`;
  expect(request).toEqual([{ title: 'New message request', body: '', tag }]);
  await acceptRequest(bob, 'Alice');

  // The display name, not the handle.
  await send(alice, 'hello Bob');
  expect((await shownUpTo(bob.page, 'hello Bob')).at(-1)).toEqual({ title: 'New message from Alice', body: 'hello Bob', tag });

  const settings = await openSettings(bob);
  await settings.set('Hide message text in notifications', true);
  await send(alice, 'SECRET text for bob');
  await expect.poll(async () => (await shownIn(bob.page)).length, SLOW).toBe(3);
  expect((await shownIn(bob.page)).at(-1)).toEqual({ title: 'New message from Alice', body: '', tag });

  // Off: nothing. The sentinel after turning it back on is the only one that follows.
  await settings.set('Notify me of new messages when I am away', false);
  await send(alice, 'while notifications are off');
  // Decided when it arrives: once Bob's tab has it, turning notifications back on cannot change that.
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('while notifications are off', SLOW);
  await settings.set('Notify me of new messages when I am away', true);
  await settings.set('Hide message text in notifications', false);
  await send(alice, 'sentinel');
  const shown = await shownUpTo(bob.page, 'sentinel');
  expect(shown.slice(3)).toEqual([{ title: 'New message from Alice', body: 'sentinel', tag }]);
  expect(shown.map((entry) => entry.body).join()).not.toContain('SECRET');
  expect(errors.list).toEqual([]);
});

test("a hidden tab's notification follows the settings saved on another device", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await watchNotifications(bob, baseURL!);
  await send(alice, 'before');
  const tag = `room:${await roomIdWith(alice, bob.handle)}`;
  await shownUpTo(bob.page, 'before');

  // Bob's phone: he hides message text there.
  const phone = await anotherDevice(browser, bob.handle, errors);
  await phone.page.goto('/settings');
  const box = phone.page.getByLabel('Hide message text in notifications');
  await expect(box).not.toBeChecked(SLOW);
  await box.click();
  await expect(box).toBeChecked(SLOW);
  await phone.page.context().close();

  await send(alice, 'the door code is 4711');
  const shown = await shownUpTo(bob.page, '');
  expect(shown.at(-1)).toEqual({ title: 'New message from Alice', body: '', tag });
  expect(shown.map((entry) => entry.body).join()).not.toContain('4711');

  // Changed back while the tab was cut off (it missed the event): it reads them again once reconnected.
  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible(SLOW);
  const again = await anotherDevice(browser, bob.handle, errors);
  await again.page.goto('/settings');
  const shownAgain = again.page.getByLabel('Hide message text in notifications');
  await expect(shownAgain).toBeChecked(SLOW);
  await shownAgain.click();
  await expect(shownAgain).not.toBeChecked(SLOW);
  await again.page.context().close();
  await bob.page.context().setOffline(false);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0, SLOW);
  await send(alice, 'words again');
  expect((await shownUpTo(bob.page, 'words again')).at(-1)).toEqual({ title: 'New message from Alice', body: 'words again', tag });
  expect(errors.list).toEqual([]);
});

test('a group left at "Mentions only" notifies a mention, not a plain message', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hi');
  // Contacts now: Bob is added to the group without an invite.
  await alice.page.getByRole('button', { name: 'New group' }).click();
  await alice.page.getByLabel('Group name').fill('Trip');
  await alice.page.getByLabel('Members (handles)').fill(bob.handle);
  await alice.page.getByRole('button', { name: 'Create group' }).click();
  await expect(alice.page.getByRole('heading', { name: 'Trip' })).toBeVisible(SLOW);
  await watchNotifications(bob, baseURL!);
  await expect(bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Trip/ })).toBeVisible(SLOW);

  await send(alice, 'a plain message');
  await send(alice, `@${bob.handle} are you coming?`);
  const shown = await shownUpTo(bob.page, `@${bob.handle} are you coming?`);
  expect(shown).toEqual([{ title: 'New message from Alice in Trip', body: `@${bob.handle} are you coming?`, tag: expect.stringMatching(/^room:/) }]);
  expect(errors.list).toEqual([]);
});

const conversation = (page: Page) => page.getByRole('list', { name: 'Messages' });

// Both of a sender's tabs hold an unsent message (the outbox is shared): the one that wrote it sends it;
// the other only if it is still waiting a while later. Sent by both, it was stored once but pushed to
// everyone twice, and alerted twice.
test('a message from someone with two tabs open reaches the recipient once and alerts once', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  // Bob's frames from his next page on (watchNotifications reloads it: a new socket).
  const pushes: string[] = [];
  bob.page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => void (String(payload).includes('"message:new"') && pushes.push(String(payload)))));
  await watchNotifications(bob, baseURL!);
  const secondTab = await otherTab(alice.page, 'Bob', errors);
  await expect(conversation(secondTab)).toContainText('hello');

  await send(alice, 'just one message');
  await expect(conversation(secondTab).locator('li[data-seq]', { hasText: 'just one message' })).toHaveCount(1, SLOW);
  await send(alice, 'sentinel');
  const shown = await shownUpTo(bob.page, 'sentinel');
  expect(shown.map((entry) => entry.body)).toEqual(['just one message', 'sentinel']);
  expect(pushes.filter((frame) => frame.includes('just one message'))).toHaveLength(1);
  expect(errors.list).toEqual([]);
});

// A tab that lost its connection keeps another tab's message as waiting and sends it again once back:
// the server keeps one and pushes it again (in case its first push was lost), which must not alert again.
test('a message pushed again (sent again by a tab back online) alerts once', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await watchNotifications(bob, baseURL!);
  const secondTab = await otherTab(alice.page, 'Bob', errors);
  await expect(conversation(secondTab)).toContainText('hello');
  const cdp = await secondTab.context().newCDPSession(secondTab);
  const offline = (value: boolean) => cdp.send('Network.emulateNetworkConditions', { offline: value, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await offline(true);
  await expect(secondTab.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible(SLOW);

  await send(alice, 'only once please');
  await shownUpTo(bob.page, 'only once please');
  await offline(false);
  await expect(secondTab.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0, SLOW);
  await expect(conversation(secondTab).locator('[data-outbox]')).toHaveCount(0, SLOW);
  await send(alice, 'sentinel');
  const shown = await shownUpTo(bob.page, 'sentinel');
  expect(shown.map((entry) => entry.body)).toEqual(['only once please', 'sentinel']);
  expect(errors.list).toEqual([]);
});

test('Settings says so when this browser has permission but no push subscription, and offers a retry that says in words why it failed', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const context = bob.page.context();
  await context.grantPermissions(['notifications'], { origin: baseURL });
  // As in an incognito window, or a browser with no push service.
  await context.addInitScript(() => {
    PushManager.prototype.getSubscription = () => Promise.resolve(null);
    PushManager.prototype.subscribe = () => Promise.reject(new DOMException('Registration failed - push service not available', 'AbortError'));
  });
  await bob.page.goto('/settings');
  const device = bob.page.getByText('This browser:');
  await expect(device).toContainText('pushes cannot be delivered to this browser', SLOW);
  await expect(device).not.toContainText('notifications are on');
  await device.getByRole('button', { name: 'Try again' }).click();
  // In words a person can act on, not the browser's.
  await expect(bob.page.getByRole('region', { name: 'Notifications' }).getByRole('alert')).toHaveText('This browser could not be reached by pushes (a private window, or a browser without a push service): notifications show only while Relay is open in it.', SLOW);
  await expect(bob.page.getByText('Registration failed')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a mute for 1 hour that runs out while the conversation is open shows the level in force again', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  await openChatWith(alice, carol.handle);
  await send(alice, 'hello Carol');
  // Sent, the first message made the conversation, which took its address.
  await expect(alice.page).toHaveURL(/\/c\//);
  const roomId = new URL(alice.page.url()).pathname.split('/').at(-1)!;
  expect((await carol.api.post(`/api/v1/requests/${roomId}/accept`)).ok()).toBe(true);
  // Alice's clock is the test's to move on.
  await alice.page.clock.install();
  await alice.page.goto(`/c/${roomId}`);
  const control = alice.page.getByRole('main').getByRole('combobox', { name: /Notifications/ });
  await control.selectOption('mute-1h');
  await expect(control.locator('option:checked')).toHaveText(/^Muted until/);

  // An hour and a minute on, with nothing else happening in the conversation: the direct default again.
  await alice.page.clock.fastForward('01:01:00');
  await expect(control.locator('option:checked')).toHaveText('All messages');
  expect(errors.list).toEqual([]);
});

test('"Mute for 1 hour" works from a browser whose clock is hours behind: the hour is counted on the server', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello');
  await bob.page.clock.install({ time: new Date(Date.now() - 2 * 60 * 60 * 1000) });
  await bob.page.reload();
  const control = bob.page.getByRole('main').getByRole('combobox', { name: /Notifications/ });
  const asked = bob.page.waitForRequest((request) => request.method() === 'PATCH' && request.url().includes('/notifications'));
  await control.selectOption('mute-1h');
  expect((await asked).postDataJSON()).toEqual({ level: 'mute', muteForMs: 3_600_000 });
  await expect(control.locator('option:checked')).toHaveText(/^Muted until/);
  await expect(bob.page.getByRole('main').getByRole('alert')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});
