import sharp from 'sharp';
import { type Browser, type BrowserContext, expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, apiUser, grantAdmin, openChatWith, otherTab, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });

test('messages written offline are kept as pending, survive a reload, and arrive once, in order', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hello before going offline');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'hello before going offline' })).toBeVisible();

  const context: BrowserContext = alice.page.context();
  await context.setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  for (const body of ['offline one', 'offline two', 'offline three']) await send(alice, body);
  await expect(messages(alice.page).locator('[data-outbox="pending"]')).toHaveCount(3);

  // Back online but with the socket blocked: a reload must still show the three as pending.
  await alice.page.route('**/socket.io/**', (route) => route.abort());
  await context.setOffline(false);
  await alice.page.reload();
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).click();
  await expect(messages(alice.page).locator('[data-outbox="pending"]')).toHaveCount(3);

  await alice.page.unroute('**/socket.io/**');
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0, { timeout: 20_000 });

  await acceptRequest(bob, 'Alice');
  const bodies = messages(bob.page).locator('li[data-seq] p.whitespace-pre-wrap');
  await expect(bodies).toHaveText(['hello before going offline', 'offline one', 'offline two', 'offline three']);
  await bob.page.reload();
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await expect(bodies).toHaveText(['hello before going offline', 'offline one', 'offline two', 'offline three']);
  expect(errors.list).toEqual([]);
});

test('a message the server stored but whose answer was lost shows once when the connection is back, not also as sending, and is stored once', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  const body = 'stored, its answer lost';
  await send(alice, body);
  await expect(messages(alice.page).locator('li[data-outbox="pending"]', { hasText: body })).toBeVisible();
  // The server takes it, as if it had been sent and only the answer was lost: the same clientMsgId.
  const clientMsgId = await alice.page.evaluate(
    (body) => Object.values(localStorage).map((raw) => { try { return JSON.parse(raw); } catch { return null; } }).find((item) => item?.body === body)?.clientMsgId as string,
    body,
  );
  const roomId = await roomIdWith(alice, bob.handle);
  expect((await alice.page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId, body } })).status()).toBe(201);
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: body })).toBeVisible();

  // The most rows of it ever shown at once, counted on every change of the list.
  await alice.page.evaluate((body) => {
    const page = window as unknown as { mostRows: number };
    page.mostRows = 0;
    const list = document.querySelector('[aria-label="Messages"]')!;
    const count = () => (page.mostRows = Math.max(page.mostRows, [...list.querySelectorAll('li[data-seq], li[data-outbox]')].filter((row) => row.textContent?.includes(body)).length));
    new MutationObserver(count).observe(list, { subtree: true, childList: true, characterData: true });
  }, body);
  await alice.page.context().setOffline(false);
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: body })).toBeVisible();
  await expect(messages(alice.page).locator('li[data-outbox]')).toHaveCount(0);
  // A sentinel sent after the reconnect has come back: whatever the reconnect sent is done.
  await send(alice, 'sentinel');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'sentinel' })).toBeVisible();
  expect(await alice.page.evaluate(() => (window as unknown as { mostRows: number }).mostRows)).toBe(1);
  const { messages: stored } = await (await alice.page.request.get(`/api/v1/rooms/${roomId}/messages`)).json();
  expect(stored.filter((message: { body: string }) => message.body === body)).toHaveLength(1);
  expect(errors.list).toEqual([]);
});

test('unread badges count up live and clear when the conversation is opened; the sender sees "Read"', async ({ browser }) => {
  const errors = trackPageErrors();
  // Bob accepts the first message (a request), then leaves the conversation.
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await expect(messages(alice.page).locator('li[data-seq]').last()).toContainText('Read');
  await bob.page.goto('/');

  for (const body of ['first', 'second']) await send(alice, body);
  const bobRooms = bob.page.getByRole('list', { name: 'Recent conversations' });
  await expect(bobRooms.locator('[aria-label="2 unread"]')).toBeVisible();
  const lastMine = messages(alice.page).locator('li[data-seq]').last();
  await expect(lastMine).toContainText('Delivered');

  await bobRooms.getByRole('button', { name: /Alice/ }).click();
  await expect(bobRooms.locator('[aria-label$="unread"]')).toHaveCount(0);
  await expect(lastMine).toContainText('Read');
  expect(errors.list).toEqual([]);
});

test('a read receipt that comes while the conversation list is being fetched is not undone by that older list', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const mine = messages(alice.page).locator('li[data-seq]').last();
  await expect(mine).toContainText('Read');
  await bob.page.goto('/');
  await send(alice, 'second');
  await expect(mine).toContainText('second');
  await expect(mine).toContainText('Delivered');

  // Alice reconnects; the list her page asks for then is read before Bob reads "second" and arrives after
  // his receipt (as a list asked for as a request is accepted can).
  let fetched!: () => void;
  const listFetched = new Promise<void>((resolve) => (fetched = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await alice.page.route('**/api/v1/rooms', async (route) => {
    const response = await route.fetch();
    fetched();
    await released;
    await route.fulfill({ response });
  });
  // The page asks for presence right after it has applied a list: the sign that the old one is in.
  let presenceAsked!: () => void;
  const presenceQuery = new Promise<void>((resolve) => (presenceAsked = resolve));
  alice.page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => String(payload).includes('"presence:query"') && presenceAsked()));
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await alice.page.context().setOffline(false);
  await listFetched;

  await rooms(bob.page).getByRole('button', { name: /Alice/ }).click();
  await expect(mine).toContainText('Read');
  release();
  await presenceQuery;
  await expect(mine).toContainText('Read');
  await alice.page.unrouteAll({ behavior: 'wait' });
  expect(errors.list).toEqual([]);
});

test('a message sent while the other person was offline shows "Delivered" once their page is back, before they open it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const mine = messages(alice.page).locator('li[data-seq]').last();
  await expect(mine).toContainText('Read');
  await bob.page.goto('/');
  await expect(rooms(bob.page).getByRole('button', { name: /Alice/ })).toBeVisible();
  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();

  await send(alice, 'while you were away');
  await expect(mine).toContainText('while you were away');
  await expect(mine).toContainText('Sent');
  await bob.page.context().setOffline(false);
  // Bob's list shows it (the reconnect's list brought it); the conversation stays closed.
  await expect(rooms(bob.page).getByRole('button', { name: /Alice/ })).toContainText('while you were away');
  await expect(mine).toContainText('Delivered');
  await expect(messages(bob.page)).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a message that lands in the conversation on screen is reported read once, with no delivery report of its own', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  // Bob's reports from here on: a fresh page (the conversation stays open across the reload).
  const reports: string[] = [];
  bob.page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => reports.push(String(payload))));
  await bob.page.reload();
  await expect(messages(bob.page)).toContainText('hello');

  await send(alice, 'seen as it lands');
  await expect(messages(bob.page).locator('li[data-seq]').last()).toContainText('seen as it lands');
  const seq = Number(await messages(bob.page).locator('li[data-seq]').last().getAttribute('data-seq'));
  const reported = (event: string) => reports.filter((frame) => frame.includes(`"${event}"`) && frame.includes(`"seq":${seq}`));
  // The read report is sent after any delivery report would have been (that one goes as the message
  // arrives), so once it is out, a delivery report for the message would be among the frames.
  await expect.poll(() => reported('room:read').length).toBe(1);
  expect(reported('room:delivered')).toEqual([]);
  await expect(messages(alice.page).locator('li[data-seq]').last()).toContainText('Read');
  expect(errors.list).toEqual([]);
});

test('two tabs writing while offline keep each other’s messages through a reload; each arrives once, in write order', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello from the first tab');
  const tabA = alice.page;
  const tabB = await otherTab(tabA, 'Bob', errors);
  await expect(messages(tabB)).toContainText('hello from the first tab');

  await tabA.context().setOffline(true);
  for (const tab of [tabA, tabB]) await expect(tab.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await send({ page: tabA }, 'written in tab A');
  await send({ page: tabB }, 'written in tab B');
  // One outbox per user, shared by the tabs.
  for (const tab of [tabA, tabB]) await expect(messages(tab).locator('[data-outbox="pending"]')).toHaveCount(2);

  // Back online with the sockets blocked, tab A reloads: tab B's message was not written over.
  for (const tab of [tabA, tabB]) await tab.route('**/socket.io/**', (route) => route.abort());
  await tabA.context().setOffline(false);
  await tabA.reload();
  await rooms(tabA).getByRole('button', { name: /Bob/ }).click();
  await expect(messages(tabA).locator('[data-outbox="pending"]')).toHaveText([/written in tab A/, /written in tab B/]);

  for (const tab of [tabA, tabB]) await tab.unrouteAll({ behavior: 'wait' });
  for (const tab of [tabA, tabB]) await expect(messages(tab).locator('[data-outbox]')).toHaveCount(0, { timeout: 20_000 });
  const expected = ['hello from the first tab', 'written in tab A', 'written in tab B'];
  const bobBodies = messages(bob.page).locator('li[data-seq] p.whitespace-pre-wrap');
  await expect(bobBodies).toHaveText(expected);
  await bob.page.reload();
  await rooms(bob.page).getByRole('button', { name: /Alice/ }).click();
  await expect(bobBodies).toHaveText(expected);
  expect(errors.list).toEqual([]);
});

test('a message written in a tab without a connection, sent by another tab, stays shown there until it is back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello from the first tab');
  const tabA = alice.page;
  const tabB = await otherTab(tabA, 'Bob', errors);
  await expect(messages(tabB)).toContainText('hello from the first tab');

  // Only tab A loses its connection (as when its socket is still waiting to reconnect).
  const network = await tabA.context().newCDPSession(tabA);
  const offline = (value: boolean) => network.send('Network.emulateNetworkConditions', { offline: value, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await offline(true);
  await expect(tabA.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await send({ page: tabA }, 'written in tab A');
  // Tab B sends it; tab A, which cannot see it arrive, still shows it waiting rather than nowhere.
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'written in tab A' })).toHaveCount(1);
  await expect(messages(tabB).locator('li[data-seq]', { hasText: 'written in tab A' })).toHaveCount(1);
  await expect(messages(tabA).locator('[data-outbox="pending"]')).toHaveText(/written in tab A/);

  await offline(false);
  await expect(messages(tabA).locator('li[data-seq]', { hasText: 'written in tab A' })).toHaveCount(1);
  await expect(messages(tabA).locator('[data-outbox]')).toHaveCount(0);
  await send(bob, 'after it, from bob');
  for (const page of [tabA, bob.page]) {
    await expect(messages(page).locator('li[data-seq]').last()).toContainText('after it, from bob');
    await expect(messages(page).locator('li[data-seq]', { hasText: 'written in tab A' })).toHaveCount(1);
  }
  expect(errors.list).toEqual([]);
});

/**
 * Sends, in the conversation open, the three link messages an hour the e2e server lets through
 * (SPAM_MAX_LINKS_PER_HOUR=3): the sender's next link is held for review.
 */
async function spendLinkAllowance(sender: { page: Page }) {
  for (const index of [1, 2, 3]) {
    await send(sender, `link ${index} https://example.com/${index}`);
    await expect(messages(sender.page).locator('li[data-seq]', { hasText: `link ${index}` })).toBeVisible();
  }
}

/**
 * A moderator, and Alice's message request to Bob, which he reads without answering: links are held only
 * where someone reaches people who have not accepted them (docs/security.md), and a moderator decides.
 */
async function requestBobReads(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hi');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'hi' })).toBeVisible();
  await bob.page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Alice/ }).click();
  await expect(messages(bob.page)).toContainText('hi');
  return { mod, alice, bob };
}

test('a message held for review says so, offers no retry, and arrives once a moderator releases it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { mod, alice, bob } = await requestBobReads(browser, errors);
  await spendLinkAllowance(alice);
  await send(alice, 'one link too many https://example.com/4');
  const held = messages(alice.page).locator('[data-outbox="held"]');
  await expect(held).toContainText('Held for review by a moderator');
  await expect(held.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(messages(bob.page)).not.toContainText('one link too many');

  await mod.page.goto('/admin');
  const queued = mod.page.getByRole('list', { name: 'Held messages' }).getByRole('listitem').filter({ hasText: 'one link too many' }).filter({ hasText: `@${alice.handle} ` });
  // The moderator sees whom it was for.
  await expect(queued).toContainText(`@${alice.handle} to @${bob.handle}`);
  await queued.getByRole('button', { name: 'Release' }).click();
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0);
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'one link too many' })).toHaveCount(1);
  // The request is still unanswered (not delivered live to bob): he sees it when he opens it again.
  await bob.page.reload();
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'one link too many' })).toHaveCount(1);
  expect(errors.list).toEqual([]);
});

test('a message held for review in one tab shows as held in another without a connection, which does not send it when back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await requestBobReads(browser, errors);
  const tabB = await otherTab(alice.page, 'Bob', errors);
  await expect(messages(tabB)).toContainText('hi');
  // Only tab B loses its connection.
  const network = await tabB.context().newCDPSession(tabB);
  const offline = (value: boolean) => network.send('Network.emulateNetworkConditions', { offline: value, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await offline(true);
  await expect(tabB.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();

  await spendLinkAllowance(alice);
  await send(alice, 'held in every tab https://example.com/4');
  await expect(messages(alice.page).locator('[data-outbox="held"]')).toContainText('Held for review by a moderator');
  await expect(messages(tabB).locator('[data-outbox="held"]')).toContainText('Held for review by a moderator');
  await expect(messages(tabB).locator('[data-outbox="pending"]', { hasText: 'held in every tab' })).toHaveCount(0);

  await offline(false);
  for (const index of [1, 2, 3]) await expect(messages(tabB).locator('li[data-seq]', { hasText: `link ${index}` })).toHaveCount(1);
  await expect(messages(tabB).locator('[data-outbox]')).toHaveCount(1);
  await expect(messages(tabB).locator('[data-outbox="held"]')).toContainText('held in every tab');
  expect(errors.list).toEqual([]);
});

test('a held message a moderator discards says it was not sent, at once or when the page reconnects', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hi');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'hi' })).toBeVisible();
  await spendLinkAllowance(alice);
  const outbox = (text: string) => messages(alice.page).locator('[data-outbox]', { hasText: text });
  const tag = alice.handle;
  await send(alice, `first to go ${tag} https://example.com/4`);
  await send(alice, `second to go ${tag} https://example.com/5`);
  await expect(outbox('first to go')).toContainText('Held for review by a moderator');
  await expect(outbox('second to go')).toContainText('Held for review by a moderator');

  await mod.page.goto('/admin');
  const queued = (text: string) => mod.page.getByRole('list', { name: 'Held messages' }).getByRole('listitem').filter({ hasText: `${text} ${tag}` });
  await queued('first to go').getByRole('button', { name: 'Discard' }).click();
  await expect(queued('first to go')).toHaveCount(0);
  // Focus moves to the held message now in its place, not to the page.
  await expect(mod.page.getByRole('list', { name: 'Held messages' }).locator('input:focus')).toHaveCount(1);
  await expect(outbox('first to go')).toContainText('Not sent: a moderator removed this message.');
  await expect(outbox('second to go')).toContainText('Held for review by a moderator');

  // Discarded while Alice's page is offline: it learns when it connects again.
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await queued('second to go').getByRole('button', { name: 'Discard' }).click();
  await expect(queued('second to go')).toHaveCount(0);
  await alice.page.context().setOffline(false);
  await expect(outbox('second to go')).toContainText('Not sent: a moderator removed this message.', { timeout: 20_000 });
  expect(errors.list).toEqual([]);
});

test('a held first message to someone new stays in sight after a reload: listed, and shown when their conversation opens', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(alice, bob.handle);
  await spendLinkAllowance(alice);
  await openChatWith(alice, carol.handle);
  await send(alice, 'first words to carol https://example.com/c');
  const held = messages(alice.page).locator('[data-outbox]', { hasText: 'first words to carol' });
  await expect(held).toContainText('Held for review by a moderator');

  await alice.page.reload();
  const notStarted = alice.page.getByRole('list', { name: 'Conversations not started' });
  await expect(notStarted.getByRole('button', { name: /Carol/ })).toContainText('Held for review: first words to carol');
  await notStarted.getByRole('button', { name: /Carol/ }).click();
  await expect(alice.page.getByRole('heading', { name: 'Carol' })).toBeVisible();
  await expect(held).toContainText('Held for review by a moderator');
  expect(errors.list).toEqual([]);
});

test('a refused message is named by its text or its files, and removing it from the keyboard leaves focus in the conversation', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  await openChatWith(alice, bob.handle);
  await send(alice, 'hello Bob');
  await expect(alice.page).toHaveURL(/\/c\//);
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') });
  await expect(alice.page.getByRole('list', { name: 'Files to send' }).getByText('Ready')).toBeVisible();
  // Bob blocks Alice: what she sends now is refused for good.
  expect((await bob.api.post('/api/v1/blocks', { data: { handle: alice.handle } })).status()).toBe(201);
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  await send(alice, 'are you there?');
  const failed = messages(alice.page).locator('li[data-outbox="failed"]');
  await expect(failed).toHaveCount(2);
  await expect(failed.first().getByRole('button', { name: /^Remove/ })).toHaveAccessibleName('Remove unsent message: 📎 notes.txt');
  const remove = failed.last().getByRole('button', { name: 'Remove unsent message: are you there?' });
  await remove.press('Enter');
  await expect(failed).toHaveCount(1);
  await expect(alice.page.getByRole('main').getByRole('heading', { level: 2 })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('a picture sent offline shows in the waiting message as the sender picked it, not as a broken image, and arrives once', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hi');
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  await alice.page.getByLabel('Attach file').setInputFiles([{ name: 'red.png', mimeType: 'image/png', buffer: png }]);
  await expect(alice.page.getByRole('list', { name: 'Files to send' })).toContainText('Ready');
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  const waiting = alice.page.getByRole('list', { name: 'Messages' }).locator('li[data-outbox]');
  const picture = waiting.getByRole('img', { name: 'red.png' });
  await expect(picture).toBeVisible();
  // The thumbnail needs the server: the picture is this tab's own copy of it, loaded.
  await expect.poll(() => picture.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth)).toBe(64);
  await alice.page.context().setOffline(false);
  const delivered = bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').filter({ has: bob.page.getByRole('img', { name: 'red.png' }) });
  await expect(delivered).toHaveCount(1);
  await expect(waiting).toHaveCount(0);
  await expect(alice.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').getByRole('img', { name: 'red.png' })).toHaveCount(1);
  expect(errors.list).toEqual([]);
});
