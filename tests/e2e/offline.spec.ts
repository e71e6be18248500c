import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, openChatWith, postMessages, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

test('offline: the banner shows within 2 s, pending messages read "Waiting for connection", then send by themselves', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'before going offline');
  await expect(messages(bob.page)).toContainText('before going offline');

  const bobsPresence = alice.page.getByLabel('Presence', { exact: true });
  const bobsDot = alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).getByRole('img');
  await expect(bobsPresence).toHaveText(/Online/);
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 2_000 });
  // Offline, the page cannot know whether Bob still is online: it does not say so.
  await expect(bobsPresence).not.toHaveText(/Online/);
  await expect(bobsDot).toHaveAttribute('aria-label', 'presence unknown');
  await send(alice, 'written offline');
  const pending = messages(alice.page).locator('[data-outbox="pending"]');
  await expect(pending).toContainText('Waiting for connection');
  await expect(pending).not.toContainText('Failed');

  await alice.page.context().setOffline(false);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0, { timeout: 20_000 });
  await expect(bobsPresence).toHaveText(/Online/);
  await expect(bobsDot).toHaveAttribute('aria-label', 'online');
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'written offline' })).toHaveCount(1);
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('"Load earlier" offline says why nothing came; once back it loads', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  // More than the newest page (100) holds.
  await postMessages(alice, roomId, Array.from({ length: 105 }, (_, index) => `message ${index + 1}`));
  await bob.page.goto(`/c/${roomId}`);
  await expect(messages(bob.page)).toContainText('message 105');
  const loadEarlier = bob.page.getByRole('button', { name: 'Load earlier messages' });
  const refusal = messages(bob.page).getByRole('alert').filter({ hasText: 'Could not load earlier messages' });

  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await loadEarlier.click();
  await expect(refusal).toContainText('No connection to the server');
  await expect(messages(bob.page).locator('li[data-seq="1"]')).toHaveCount(0);

  await bob.page.context().setOffline(false);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0, { timeout: 20_000 });
  await loadEarlier.click();
  await expect(messages(bob.page).locator('li[data-seq="1"]')).toContainText('message 0');
  await expect(refusal).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('the tab title and favicon carry the unread count and clear as you read', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await expect(messages(alice.page).locator('li[data-seq]').last()).toContainText('Read');
  await bob.page.goto('/');
  await expect(bob.page).toHaveTitle('Relay');
  for (const body of ['one', 'two', 'three']) await send(alice, body);
  await expect(bob.page).toHaveTitle('(3) Relay');
  const icon = bob.page.locator('link[rel="icon"][data-badge]');
  await expect(icon).toHaveAttribute('href', /circle/);
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await expect(bob.page).toHaveTitle('Alice – Relay');
  await expect(icon).not.toHaveAttribute('href', /circle/);
  expect(errors.list).toEqual([]);
});

// WCAG 2.4.2: a tab, a window list and a screen reader's announcement of the page say where you are.
test('the tab title names the open conversation and each page', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Trip planning', members: [bob.handle] } });
  expect(created.status()).toBe(201);
  await expect(alice.page).toHaveTitle('Bob – Relay');
  const list = alice.page.getByRole('list', { name: 'Recent conversations' });
  // The router announces the new title as the address changes: the conversation opened, not the one left.
  const announcer = alice.page.locator('next-route-announcer #__next-route-announcer__');
  await list.getByRole('button', { name: /Trip planning/ }).click();
  await expect(alice.page).toHaveTitle('Trip planning – Relay');
  await expect(announcer).toHaveText('Trip planning – Relay');
  // Renamed (here from another tab): the title follows.
  expect((await alice.page.context().request.patch(`/api/v1/groups/${(await created.json()).room.id}`, { data: { name: 'Trip to Lisbon' } })).status()).toBe(200);
  await expect(alice.page).toHaveTitle('Trip to Lisbon – Relay');
  await list.getByRole('button', { name: /Bob/ }).click();
  await expect(alice.page).toHaveTitle('Bob – Relay');
  await expect(announcer).toHaveText('Bob – Relay');
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await expect(alice.page).toHaveTitle('Settings – Relay');
  await alice.page.goBack();
  await expect(alice.page).toHaveTitle('Bob – Relay');
  // Back and Forward between conversations: announced as reached, not as left.
  await alice.page.goBack();
  await expect(alice.page).toHaveTitle('Trip to Lisbon – Relay');
  await expect(announcer).toHaveText('Trip to Lisbon – Relay');
  await alice.page.goForward();
  await expect(alice.page).toHaveTitle('Bob – Relay');
  await expect(announcer).toHaveText('Bob – Relay');
  // A first message to someone new: named after them before any conversation exists.
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(alice, carol.handle);
  await expect(alice.page).toHaveTitle('Carol – Relay');
  // Something unread elsewhere counts before the name.
  await send(bob, 'while you write to Carol');
  await expect(alice.page).toHaveTitle('(1) Carol – Relay');
  await bob.page.goto('/');
  await expect(bob.page).toHaveTitle('Relay');
  // Someone signed out (a browser of its own: clearing Bob's cookies would send his open page there too).
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/signin');
  await expect(visitor).toHaveTitle('Sign in – Relay');
  await visitor.goto('/signup');
  await expect(visitor).toHaveTitle('Create account – Relay');
  expect(errors.list).toEqual([]);
});

test('a group left at "Mentions only" counts in the tab title only what mentions you', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await expect(messages(alice.page).locator('li[data-seq]').last()).toContainText('Read');
  // Groups are at "Mentions only" unless changed; Bob, a contact, is in it at once.
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Quiet group', members: [bob.handle] } });
  const roomId = (await created.json()).room.id;
  await bob.page.goto('/');
  const group = bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Quiet group/ });
  await expect(group).toBeVisible();
  await expect(bob.page).toHaveTitle('Relay');
  const post = (clientMsgId: string, body: string) => alice.page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId, body } });

  expect((await post('plain-1', 'plain news')).status()).toBe(201);
  await expect(group.getByLabel('1 unread')).toBeVisible();
  await expect(bob.page).toHaveTitle('Relay');
  expect((await post('mention-1', `@${bob.handle} are you in?`)).status()).toBe(201);
  await expect(group.getByLabel('2 unread')).toBeVisible();
  await expect(bob.page).toHaveTitle('(1) Relay');
  // A direct message counts whole, as before.
  await send(alice, 'in the direct chat');
  await expect(bob.page).toHaveTitle('(2) Relay');
  expect(errors.list).toEqual([]);
});

test('a muted conversation keeps its badge in the list but does not raise the tab title', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(carol, bob.handle);
  await send(carol, 'hi bob');
  await acceptRequest(bob, 'Carol');
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await bob.page.getByLabel('Notifications').selectOption('mute');
  await expect(bob.page.getByLabel('Notifications')).toHaveValue('mute');
  await bob.page.goto('/');
  await expect(bob.page).toHaveTitle('Relay');
  await send(alice, 'muted one');
  await send(alice, 'muted two');
  const list = bob.page.getByRole('list', { name: 'Recent conversations' });
  await expect(list.getByRole('button', { name: /Alice/ }).getByLabel('2 unread')).toBeVisible();
  // Carol's message comes after Alice's: once it counts, Alice's two would have too.
  await send(carol, 'sentinel from Carol');
  await expect(list.getByRole('button', { name: /Carol/ }).getByLabel('1 unread')).toBeVisible();
  await expect(bob.page).toHaveTitle('(1) Relay');
  expect(errors.list).toEqual([]);
});
