import { expect, type Page, test } from './fixtures';
import { aliceWithBobAndCarol, send, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const row = (page: Page, text: string) => messages(page).locator('li[data-seq]').filter({ has: page.locator('p.whitespace-pre-wrap', { hasText: text }) });
const offlineBanner = (page: Page) => page.getByRole('status').filter({ hasText: 'Offline' });

/** What this browser keeps for opening offline: the page cache and the chat's copy (docs/client.md "Offline start"). */
const keptForOffline = (page: Page) =>
  page.evaluate(async () => ({
    pages: (await caches.keys()).filter((name) => name.startsWith('relay-pages')).length,
    copies: Object.keys(localStorage).filter((key) => key.startsWith('relay:offline-copy:')).length,
  }));

test('a reload while offline opens the chat as it was: conversations, messages, writing; back online it catches up exactly', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  // Alice has read both conversations; Carol's is open.
  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await expect(row(alice.page, 'hello from bob')).toBeVisible();
  await rooms(alice.page).getByRole('button', { name: /Carol/ }).click();
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  // The service worker has the page, and the chat has written its copy.
  await expect.poll(() => keptForOffline(alice.page)).toEqual({ pages: 1, copies: 1 });

  await alice.page.context().setOffline(true);
  await alice.page.reload();
  await expect(offlineBanner(alice.page)).toBeVisible();
  await expect(rooms(alice.page).getByRole('button', { name: /Bob/ })).toBeVisible();
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  // The tab names the conversation, as online (the page's own <title> once covered it for good).
  await expect(alice.page).toHaveTitle('Carol – Relay');
  // Another conversation opens from what was kept, not an error, and in this page: no reload.
  await alice.page.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true));
  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await expect(row(alice.page, 'hello from bob')).toBeVisible();
  await expect(alice.page).toHaveURL(/\/c\//);
  expect(await alice.page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
  await send(alice, 'written after an offline start');
  await expect(messages(alice.page).locator('[data-outbox="pending"]')).toContainText('Waiting for connection');

  // Meanwhile Bob writes more and edits what Alice holds.
  await send(bob, 'while you were away');
  await row(bob.page, 'hello from bob').getByRole('button', { name: 'Message actions' }).click();
  await row(bob.page, 'hello from bob').getByRole('button', { name: 'Edit', exact: true }).click();
  await row(bob.page, 'hello from bob').getByRole('textbox', { name: 'Edit message' }).fill('hello from bob, edited');
  await row(bob.page, 'hello from bob').getByRole('textbox', { name: 'Edit message' }).press('Enter');
  await expect(row(bob.page, 'hello from bob, edited')).toContainText('(edited)');

  await alice.page.context().setOffline(false);
  await expect(offlineBanner(alice.page)).toHaveCount(0, { timeout: 20_000 });
  await expect(row(alice.page, 'hello from bob, edited')).toContainText('(edited)');
  await expect(row(alice.page, 'while you were away')).toHaveCount(1);
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0);
  await expect(row(bob.page, 'written after an offline start')).toHaveCount(1);
  const bodies = messages(alice.page).locator('li[data-seq] p.whitespace-pre-wrap');
  await expect(bodies).toHaveText([/hello from bob, edited/, 'while you were away', 'written after an offline start']);

  // Signing out leaves nothing of the chat behind for the next person at this browser.
  await alice.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(alice.page).toHaveURL(/\/signin/);
  expect(await keptForOffline(alice.page)).toEqual({ pages: 0, copies: 0 });
  expect(errors.list).toEqual([]);
});

/** The chat's copy kept for opening offline, as this page last wrote it. */
const copyIn = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith('relay:offline-copy:'));
    return key ? (JSON.parse(localStorage.getItem(key)!) as { rooms: { lastMessage: { body: string } | null }[]; messagesByRoom: Record<string, { body: string }[]> }) : null;
  });

test('what is read offline is told to the server once back, even after a reload offline', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  // Bob's conversation is loaded in Alice's page, but she looks at Carol's: his new message stays unread.
  await send(bob, 'read me offline');
  await expect.poll(async () => Object.values((await copyIn(alice.page))?.messagesByRoom ?? {}).flat().some((message) => message.body === 'read me offline')).toBe(true);

  await alice.page.context().setOffline(true);
  await expect(offlineBanner(alice.page)).toBeVisible();
  await expect(rooms(alice.page).getByRole('button', { name: /Bob/ }).getByLabel('1 unread')).toBeVisible();
  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await expect(row(alice.page, 'read me offline')).toBeVisible();
  // Read here, so no longer unread here, though the server cannot be told yet.
  await expect(rooms(alice.page).getByRole('button', { name: /Bob/ }).getByLabel('1 unread')).toHaveCount(0);
  // The report of that read cannot go; back in Carol's conversation, the reload takes it with the page.
  await rooms(alice.page).getByRole('button', { name: /Carol/ }).click();
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  await alice.page.reload();
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  await alice.page.context().setOffline(false);
  await expect(offlineBanner(alice.page)).toHaveCount(0, { timeout: 20_000 });
  await expect(row(bob.page, 'read me offline')).toContainText('Read');
  expect(errors.list).toEqual([]);
});

test('a conversation first opened offline says so, and loads by itself once back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  await send(bob, 'waiting for you');
  // A fresh page holds only the open conversation (Carol's): Bob's is listed, never loaded.
  await alice.page.reload();
  await expect(row(alice.page, 'hello from carol')).toBeVisible();
  await expect.poll(async () => (await copyIn(alice.page))?.rooms.some((room) => room.lastMessage?.body === 'waiting for you')).toBe(true);

  await alice.page.context().setOffline(true);
  await alice.page.reload();
  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await expect(messages(alice.page).getByRole('alert')).toHaveText(/You are offline: the messages load once the connection is back/);
  // Signing out cannot reach the server: the page says so and stays as it is.
  await alice.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(alice.page.getByRole('alert').filter({ hasText: 'You are offline: sign out once the connection is back.' })).toBeVisible();
  expect((await keptForOffline(alice.page)).copies).toBe(1);

  await alice.page.context().setOffline(false);
  await expect(row(alice.page, 'waiting for you')).toBeVisible({ timeout: 20_000 });
  await expect(messages(alice.page).getByRole('alert')).toHaveCount(0);
  // Back online, the refusal goes: it does not turn into another reason.
  await expect(alice.page.getByRole('alert').filter({ hasText: /sign out|did not answer/ })).toHaveCount(0);
  // A draft, the reply it is, and the sign-out: nothing of Alice's text stays in this browser.
  await row(alice.page, 'waiting for you').getByRole('button', { name: 'Message actions' }).click();
  await row(alice.page, 'waiting for you').getByRole('button', { name: 'Reply', exact: true }).click();
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('a draft nobody else should read');
  await expect.poll(() => alice.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:draft')).length)).toBe(2);
  await alice.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(alice.page).toHaveURL(/\/signin/);
  expect(await alice.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:draft') || key.startsWith('relay:outbox:')))).toEqual([]);
  expect(await keptForOffline(alice.page)).toEqual({ pages: 0, copies: 0 });
  expect(errors.list).toEqual([]);
});

test('Settings opened offline shows as last seen, its lists saying they need the connection; back to the chat works offline', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await expect(row(page, 'hello from carol')).toBeVisible();
  // The chat has the worker keep Settings (reached from the chat by the router, which the worker never
  // sees as a page load); its scripts are kept once it has been opened online.
  await expect.poll(() => page.evaluate(async () => Boolean(await (await caches.open('relay-pages-v1')).match('/settings')))).toBe(true);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Signed-in sessions' })).toContainText('This device');
  await page.goBack();
  await expect(row(page, 'hello from carol')).toBeVisible();

  await page.context().setOffline(true);
  await expect(offlineBanner(page)).toBeVisible();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Signed-in sessions' })).toContainText('No connection to the server');
  await page.getByRole('link', { name: /Back to chat/ }).click();
  await expect(row(page, 'hello from carol')).toBeVisible();
  expect(errors.list).toEqual([]);
});
