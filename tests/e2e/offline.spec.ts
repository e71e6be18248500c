import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, openChatWith, postMessages, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });

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

// engine.io drops a connection attempt still on its way when the browser goes offline, without Socket.io's
// Manager hearing of it: that attempt used to hang until its 20 s timeout, the page "Reconnecting…" long
// after the network was back.
test('the network lost while the page is still connecting: once it is back, the page connects within seconds', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const offline = alice.page.getByRole('status').filter({ hasText: 'Offline' });
  // The next page load's first handshake is held, so its attempt is on its way when the network goes.
  let handshakeSent!: () => void;
  const sent = new Promise<void>((resolve) => (handshakeSent = resolve));
  let dropHandshake!: () => void;
  const dropped = new Promise<void>((resolve) => (dropHandshake = resolve));
  let holding = true;
  await alice.page.route(/\/socket\.io\/\?EIO=4&transport=polling&t=/, async (route) => {
    if (!holding) return route.fallback();
    holding = false;
    handshakeSent();
    await dropped;
    await route.abort().catch(() => {});
  });
  await alice.page.reload();
  await sent;
  await alice.page.context().setOffline(true);
  await expect(offline).toBeVisible();
  dropHandshake();

  await alice.page.context().setOffline(false);
  await expect(offline).toHaveCount(0, { timeout: 8_000 });
  expect(errors.list).toEqual([]);
});

test('messages this page held, read in a conversation opened offline, are reported read once the connection is back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const roomId = await roomIdWith(alice, bob.handle);
  // A fresh page on the list: the conversation's history is not loaded, its new messages come live.
  await bob.page.goto('/');
  const aliceRow = rooms(bob.page).getByRole('button', { name: /Alice/ });
  // Alice shown online is an answer over the page's socket: it is connected, so the messages come to it live
  // (posted before that, they would come only as the list's count, and the page would hold none of them).
  await expect(aliceRow.getByRole('img')).toHaveAttribute('aria-label', 'online');
  await postMessages(alice, roomId, ['while you were away', 'and this']);
  await expect(aliceRow.getByLabel('2 unread')).toBeVisible();

  // Opened offline: what the page holds shows, the history cannot load.
  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await aliceRow.click();
  await expect(messages(bob.page)).toContainText('and this');

  await bob.page.context().setOffline(false);
  await expect(aliceRow.getByLabel(/unread/)).toHaveCount(0);
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'and this' })).toContainText('Read');
  expect((await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId).unread).toBe(0);
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
