import { type Browser, expect, type Page, test } from './fixtures';
import { connect, emitAck } from '../helpers/clients';
import { acceptedChat, acceptRequest, aliceOnPhoneAskedByBob, apiUser, groupWith, openChatWith, PASSWORD, postMessages, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const scroller = (page: Page) => page.getByTestId('message-scroller');
const row = (page: Page, body: string) => messages(page).locator('li[data-seq]', { has: page.getByText(body, { exact: true }) });
const rowAt = (page: Page, seq: number) => messages(page).locator(`li[data-seq="${seq}"]`);
const scrollTop = (page: Page) => scroller(page).evaluate((element) => element.scrollTop);
/** Scrolls a conversation opened on unread (landed on "New messages") down to its last message. */
const readToTheEnd = async (page: Page) => {
  await expect(messages(page).locator('[data-divider="new"]')).toBeInViewport();
  // The divider can show before the history is ready, and the landing on it comes then, once. A reader's
  // scroll before it (wheel, touch, keys) is kept; this one, set by script, is not seen as the reader's:
  // wait for the landing, and scroll down again if the view moved back.
  await expect(messages(page)).not.toHaveAttribute('aria-busy', 'true');
  await expect(async () => {
    await scroller(page).evaluate((element) => (element.scrollTop = element.scrollHeight));
    await expect(messages(page).locator('li[data-seq]').last()).toBeInViewport({ timeout: 1_000 });
  }).toPass();
};
/**
 * Scrolls the message showing `text` to the top of the list, 40 px down from it, as a reader reading it
 * there; gives how to measure where it is (its top, from the list's).
 */
async function readAtTop(page: Page, text: string) {
  await row(page, text).evaluate((item) => item.scrollIntoView({ block: 'start' }));
  await scroller(page).evaluate((element) => (element.scrollTop -= 40));
  return () =>
    scroller(page).evaluate((element, text) => {
      const item = [...element.querySelectorAll('li[data-seq]')].find((li) => li.textContent?.includes(text))!;
      return Math.round(item.getBoundingClientRect().top - element.getBoundingClientRect().top);
    }, text);
}
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `message ${from + index}`);

/**
 * Alice wrote Bob `count` messages, all read by him (elsewhere); Carol is someone else Bob can talk to.
 * Bob has the conversation open at its bottom.
 */
async function bobHasReadAll(browser: Browser, errors: ReturnType<typeof trackPageErrors>, count: number) {
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  const roomId = await roomIdWith(alice, bob.handle);
  // Both wait on a page without the chat while the history is written, so seeding stays quick.
  await alice.page.goto('/settings');
  await bob.page.goto('/settings');
  await postMessages(alice, roomId, numbered(1, count));
  const { lastSeq } = (await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId);
  expect((await bob.page.request.post(`/api/v1/rooms/${roomId}/read`, { data: { seq: lastSeq } })).status()).toBe(200);
  await bob.page.goto(`/c/${roomId}`);
  await expect(row(bob.page, `message ${count}`)).toBeInViewport();
  // Landed: a scroll set by script before it would be undone by it (readToTheEnd).
  await expect(messages(bob.page)).not.toHaveAttribute('aria-busy', 'true');
  return { alice, bob, carol, roomId };
}

test('300 messages: lands on "New messages", keeps the reader’s place while 5 arrive and while loading earlier', async ({ browser }) => {
  test.setTimeout(300_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  const unreadOf = async () => (await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId).unread;
  // Both wait on a page without the chat while the history is written, so seeding stays quick.
  await alice.page.goto('/settings');
  await bob.page.goto('/settings');
  await postMessages(alice, roomId, numbered(1, 270));
  // Bob reads all of it (down to the end: what was never in view is not read), then leaves; 30 more arrive unread.
  await bob.page.goto(`/c/${roomId}`);
  await expect(row(bob.page, 'message 270')).toBeAttached();
  await readToTheEnd(bob.page);
  await expect.poll(unreadOf, { timeout: 30_000 }).toBe(0);
  await bob.page.goto('/settings');
  await postMessages(alice, roomId, numbered(271, 300));
  await bob.page.goto('/');
  await expect(bob.page.getByRole('list', { name: 'Recent conversations' }).locator('[aria-label="30 unread"]')).toBeVisible();

  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  await expect(row(bob.page, 'message 271')).toBeInViewport();
  // The day's label pinned at the top does not cover the divider.
  const covered = await scroller(bob.page).evaluate((element) => {
    const line = element.querySelector('[data-divider="new"]')!.getBoundingClientRect();
    return [...element.querySelectorAll('li.sticky')].map((label) => label.getBoundingClientRect()).some((label) => line.top < label.bottom && line.bottom > label.top);
  });
  expect(covered).toBe(false);
  expect(covered).toBe(false);
  await expect(row(bob.page, 'message 300')).not.toBeInViewport();
  // What is in view is read; what is below it is not, yet.
  await expect.poll(unreadOf).toBeLessThan(30);
  expect(await unreadOf()).toBeGreaterThan(0);
  // The divider sits right above the first unread message.
  expect(await divider.evaluate((element) => element.nextElementSibling?.textContent)).toContain('message 271');

  // Reading in the middle while 5 arrive: the view does not move; a button counts them.
  await scroller(bob.page).evaluate((element) => (element.scrollTop = element.scrollHeight / 2));
  const reading = await messages(bob.page).locator('li[data-seq]').evaluateAll((items) => {
    const visible = items.find((item) => item.getBoundingClientRect().top > 80)!;
    return { seq: visible.getAttribute('data-seq')!, top: visible.getBoundingClientRect().top };
  });
  const before = await scrollTop(bob.page);
  await postMessages(alice, roomId, numbered(301, 305));
  await expect(bob.page.getByRole('button', { name: '5 new messages ↓' })).toBeVisible();
  await expect(row(bob.page, 'message 305')).toBeAttached();
  expect(await scrollTop(bob.page)).toBe(before);
  const stillAt = await messages(bob.page).locator(`li[data-seq="${reading.seq}"]`).evaluate((item) => item.getBoundingClientRect().top);
  expect(Math.abs(stillAt - reading.top)).toBeLessThanOrEqual(1);
  await bob.page.getByRole('button', { name: '5 new messages ↓' }).click();
  await expect(row(bob.page, 'message 305')).toBeInViewport();
  await expect(bob.page.getByRole('button', { name: /new messages? ↓/ })).toHaveCount(0);

  // At the bottom, a new message scrolls into view by itself.
  await postMessages(alice, roomId, ['message 306']);
  await expect(row(bob.page, 'message 306')).toBeInViewport();

  // "Load earlier" keeps the first visible message where it was on screen.
  await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
  const first = messages(bob.page).locator('li[data-seq]').first();
  const firstSeq = await first.getAttribute('data-seq');
  const firstTop = await first.evaluate((item) => item.getBoundingClientRect().top);
  const count = await messages(bob.page).locator('li[data-seq]').count();
  await bob.page.getByRole('button', { name: 'Load earlier messages' }).click();
  await expect(messages(bob.page).locator('li[data-seq]')).not.toHaveCount(count);
  const movedTo = await messages(bob.page).locator(`li[data-seq="${firstSeq}"]`).evaluate((item) => item.getBoundingClientRect().top);
  expect(Math.abs(movedTo - firstTop)).toBeLessThanOrEqual(1);
  expect(errors.list).toEqual([]);
});

// Read means seen: a message that arrives below a reader scrolled up to older messages is delivered, not
// read, until it comes into view, so its sender does not see "Read" and the badges keep counting it.
test('a message arriving while the reader is scrolled up is delivered, not read, until it comes into view', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  const unreadOf = async () => (await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId).unread;
  await postMessages(alice, roomId, numbered(1, 60));
  await expect(row(bob.page, 'message 60')).toBeInViewport();
  await expect.poll(unreadOf, { timeout: 30_000 }).toBe(0);
  await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
  await expect(row(bob.page, 'message 60')).not.toBeInViewport();

  await send(alice, 'below the fold');
  await expect(bob.page.getByRole('button', { name: '1 new message ↓' })).toBeVisible();
  const mine = messages(alice.page).locator('li[data-seq]', { hasText: 'below the fold' });
  // Bob's tab reports it delivered after deciding it was not read (one pass, read first).
  await expect(mine).toContainText('Delivered');
  expect(await unreadOf()).toBe(1);
  await expect(mine).not.toContainText('Read');
  await expect(bob.page).toHaveTitle('(1) Alice – Relay');

  await bob.page.getByRole('button', { name: '1 new message ↓' }).click();
  await expect(mine).toContainText('Read');
  await expect.poll(unreadOf).toBe(0);
  await expect(bob.page).toHaveTitle('Alice – Relay');
  expect(errors.list).toEqual([]);
});

test('more unread than the newest page holds: lands on the first unread, not on the page’s first', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  await alice.page.goto('/settings');
  await bob.page.goto('/settings');
  await postMessages(alice, roomId, numbered(1, 20));
  await bob.page.goto(`/c/${roomId}`);
  await expect(row(bob.page, 'message 20')).toBeAttached();
  await readToTheEnd(bob.page);
  const unreadOf = async () => (await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId).unread;
  await expect.poll(unreadOf, { timeout: 30_000 }).toBe(0);
  await bob.page.goto('/settings');
  // 150 unread: the newest page (100) starts at message 71.
  await postMessages(alice, roomId, numbered(21, 170));
  await bob.page.goto('/');
  await expect(bob.page.getByRole('list', { name: 'Recent conversations' }).locator('[aria-label="150 unread"]')).toBeVisible();

  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  // Retried, not read once: while the newest page lands after the stored messages the divider can be last for a moment.
  await expect(divider.locator('xpath=following-sibling::*[1]')).toContainText('message 21');
  await expect(row(bob.page, 'message 21')).toBeInViewport();
  // Read messages before it are there for context.
  await expect(row(bob.page, 'message 15')).toBeAttached();
  expect(errors.list).toEqual([]);
});

test('switching away and back, or reloading, returns to where the reader was; from the bottom, to the bottom', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  // He has read them all (elsewhere): the conversation opens at the bottom.
  const { bob, carol } = await bobHasReadAll(browser, errors, 150);

  // Bob scrolls up to read message 80 at the top of the list.
  const topOf = await readAtTop(bob.page, 'message 80');
  const readingAt = await topOf();
  await expect.poll(() => bob.page.evaluate(() => Object.keys(sessionStorage).some((key) => key.startsWith('relay:place:')))).toBe(true);

  // Another conversation, then back: the same message at the same height.
  await openChatWith(bob, carol.handle);
  await expect(bob.page.getByRole('main', { name: 'Conversation with Carol' })).toBeVisible();
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await expect(row(bob.page, 'message 80')).toBeInViewport();
  expect(Math.abs((await topOf()) - readingAt)).toBeLessThanOrEqual(2);
  await expect(row(bob.page, 'message 150')).not.toBeInViewport();

  // A reload too.
  await bob.page.reload();
  await expect(row(bob.page, 'message 80')).toBeInViewport();
  expect(Math.abs((await topOf()) - readingAt)).toBeLessThanOrEqual(2);

  // Left at the bottom, it opens at the bottom.
  await scroller(bob.page).evaluate((element) => (element.scrollTop = element.scrollHeight));
  await expect.poll(() => bob.page.evaluate(() => Object.keys(sessionStorage).some((key) => key.startsWith('relay:place:')))).toBe(false);
  await openChatWith(bob, carol.handle);
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await expect(row(bob.page, 'message 150')).toBeInViewport();
  expect(errors.list).toEqual([]);
});

/** Makes the page hidden or shown, as a switch of browser tabs does (headless Chromium never hides a page itself). */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((next) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
const unreadFor = async (page: Page, roomId: string) =>
  ((await (await page.request.get('/api/v1/rooms')).json()).rooms as { id: string; unread: number }[]).find((room) => room.id === roomId)!.unread;

test('back to a tab that was hidden while messages came, "New messages" marks where they start', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'before you looked away');
  await expect(row(bob.page, 'before you looked away')).toBeVisible();
  await setVisibility(bob.page, 'hidden');
  await postMessages(alice, await roomIdWith(alice, bob.handle), ['while you were away', 'and this too']);
  // Hidden, they are not read: the tab's title counts them.
  await expect(bob.page).toHaveTitle('(2) Alice – Relay');
  await expect(messages(bob.page).locator('[data-divider="new"]')).toHaveCount(0);

  await setVisibility(bob.page, 'visible');
  await expect(bob.page).toHaveTitle('Alice – Relay');
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toHaveCount(1);
  expect(await divider.evaluate((element) => element.nextElementSibling?.textContent)).toContain('while you were away');
  expect(errors.list).toEqual([]);
});

test('back to a tab that was hidden while more messages came than fit in view: it shows where they start, and what is below stays unread', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'before you looked away');
  await expect(row(bob.page, 'before you looked away')).toBeVisible();
  const roomId = await roomIdWith(alice, bob.handle);
  await setVisibility(bob.page, 'hidden');
  await postMessages(alice, roomId, numbered(1, 30));
  await expect(bob.page).toHaveTitle('(30) Alice – Relay');

  await setVisibility(bob.page, 'visible');
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  expect(await divider.evaluate((element) => element.nextElementSibling?.getAttribute('data-seq'))).toBe(await row(bob.page, 'message 1').getAttribute('data-seq'));
  await expect(row(bob.page, 'message 1')).toBeInViewport();
  await expect(row(bob.page, 'message 30')).not.toBeInViewport();
  // What was in view is read; the rest waits (before, the view had followed them all, and all were read).
  await expect.poll(() => unreadFor(bob.page, roomId)).toBeLessThan(30);
  expect(await unreadFor(bob.page, roomId)).toBeGreaterThan(0);
  await expect(bob.page).not.toHaveTitle('Alice – Relay');
  await readToTheEnd(bob.page);
  await expect(bob.page).toHaveTitle('Alice – Relay');
  expect(errors.list).toEqual([]);
});

test('back to a hidden tab where a group note came before the messages: "New messages" is in view', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const [alice, carol] = await Promise.all([apiUser(baseURL!, 'alice', 'Alice'), apiUser(baseURL!, 'carol', 'Carol')]);
  const roomId = await groupWith(bob, 'Crew', [alice, carol]);
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Crew/ }).click();
  await expect(messages(bob.page)).not.toHaveAttribute('aria-busy', 'true');
  await setVisibility(bob.page, 'hidden');
  expect((await carol.api.delete(`/api/v1/groups/${roomId}/users/${carol.handle}`)).ok()).toBe(true);
  for (const body of numbered(1, 30)) expect((await alice.api.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body } })).status()).toBe(201);
  await expect(row(bob.page, 'message 30')).toBeAttached();

  await setVisibility(bob.page, 'visible');
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  await expect(row(bob.page, 'message 30')).not.toBeInViewport();
  expect(errors.list).toEqual([]);
});

test('switching away and back with nothing new leaves "New messages" where it was', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  await openChatWith(bob, (await apiUser(baseURL!, 'carol', 'Carol')).handle);
  await postMessages(alice, roomId, numbered(1, 40));
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  const divider = messages(bob.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  const firstAfterDivider = () => divider.evaluate((element) => element.nextElementSibling?.getAttribute('data-seq'));
  const firstUnread = await row(bob.page, 'message 1').getAttribute('data-seq');
  expect(await firstAfterDivider()).toBe(firstUnread);
  // Read on a little way, not to the end (once landed: the landing would undo a scroll made before it).
  await expect(messages(bob.page)).not.toHaveAttribute('aria-busy', 'true');
  await scroller(bob.page).evaluate((element) => (element.scrollTop += element.clientHeight));
  await expect.poll(() => unreadFor(bob.page, roomId)).toBeLessThan(40);
  expect(await unreadFor(bob.page, roomId)).toBeGreaterThan(0);

  await setVisibility(bob.page, 'hidden');
  await setVisibility(bob.page, 'visible');
  // A sentinel round trip: the page has handled its return by the time a message sent after it shows.
  await postMessages(alice, roomId, ['after the return']);
  await expect(messages(bob.page).getByText('after the return', { exact: true })).toBeAttached();
  expect(await firstAfterDivider()).toBe(firstUnread);
  expect(errors.list).toEqual([]);
});

test('scrolling what the tab holds while the history is still coming: the view stays where the reader took it', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { bob, carol, roomId } = await bobHasReadAll(browser, errors, 120);
  await openChatWith(bob, carol.handle);
  await expect(bob.page.getByRole('main', { name: 'Conversation with Carol' })).toBeVisible();

  // Back to Alice on a slow connection: the tab shows the messages it holds while the history comes.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const isHistory = (url: URL) => url.pathname === `/api/v1/rooms/${roomId}/messages`;
  await bob.page.route(isHistory, async (route) => {
    await held;
    await route.continue();
  });
  const asked = bob.page.waitForRequest((request) => isHistory(new URL(request.url())));
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await asked;
  // Shown where he left them (at the bottom), not at their top for a moment.
  await expect(row(bob.page, 'message 120')).toBeInViewport();
  await expect(messages(bob.page).getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);

  // He scrolls up to a message in the middle with the mouse wheel, before the history is ready.
  await scroller(bob.page).hover();
  await bob.page.mouse.wheel(0, -1500);
  await expect(row(bob.page, 'message 120')).not.toBeInViewport();
  const reading = await scroller(bob.page).evaluate((element) => {
    const top = element.getBoundingClientRect().top + 60;
    return [...element.querySelectorAll<HTMLElement>('li[data-seq]')].find((item) => item.getBoundingClientRect().top >= top)!.dataset.seq;
  });
  release();
  // Ready (the button shows then): the view is still where he took it, not at the bottom.
  await expect(messages(bob.page).getByRole('button', { name: 'Load earlier messages' })).toBeVisible();
  await expect(messages(bob.page).locator(`li[data-seq="${reading}"]`)).toBeInViewport();
  await expect(row(bob.page, 'message 120')).not.toBeInViewport();
  expect(errors.list).toEqual([]);
});

test('the conversation list stays where the reader scrolled it when a message reorders it around the open, focused entry', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, { viewport: { width: 1280, height: 600 } });
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  // 25 groups with Bob, G1 the oldest (last in the list); after the first he is added, not invited.
  const groups = [await groupWith(alice, 'G1', [bob])];
  for (let index = 2; index <= 25; index++) {
    const created = await alice.page.request.post('/api/v1/groups', { data: { name: `G${index}`, members: [bob.handle] } });
    expect(created.status()).toBe(201);
    groups.push((await created.json()).room.id);
  }
  await alice.page.reload();
  const entries = alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button');
  const g13 = alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /^G13\b/ });
  await expect(entries).toHaveCount(25);
  // Opened with a click, the entry keeps focus; then the list is scrolled to its end with the wheel.
  await g13.click();
  await expect(alice.page.getByRole('heading', { name: 'G13', exact: true })).toBeVisible();
  const list = alice.page.getByTestId('conversation-list-scroller');
  await list.hover();
  await alice.page.mouse.wheel(0, 5_000);
  await expect(entries.last()).toBeInViewport();
  const scrolled = await list.evaluate((element) => element.scrollTop);
  expect(scrolled).toBeGreaterThan(0);

  // G1 goes from last to first: every other entry is moved after it, the focused one too.
  expect((await bob.api.post(`/api/v1/rooms/${groups[0]}/messages`, { data: { clientMsgId: crypto.randomUUID(), body: 'up you go' } })).status()).toBe(201);
  await expect(entries.first()).toContainText('up you go');
  expect(await list.evaluate((element) => element.scrollTop)).toBe(scrolled);
  await expect(g13).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('an edit, a delete and a reaction made while a page of earlier messages is on its way show on it once it lands', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { alice, bob, roomId } = await bobHasReadAll(browser, errors, 150);
  const held = (await (await alice.page.request.get(`/api/v1/rooms/${roomId}/messages?limit=200`)).json()).messages as { id: string; body: string; seq: number }[];
  const [edited, deleted, reacted] = ['message 20', 'message 21', 'message 22'].map((body) => held.find((message) => message.body === body)!);
  const { token } = await (await alice.page.request.post('/api/v1/tokens', { data: { username: alice.handle, password: PASSWORD } })).json();
  const aliceSocket = await connect(baseURL!, { token });
  await expect(row(bob.page, 'message 20')).toHaveCount(0);

  // The server has answered the page, and the network holds the answer while Alice changes messages on it.
  let release = () => {};
  const answerHeld = new Promise<void>((resolve) => (release = resolve));
  let answered = () => {};
  const serverAnswered = new Promise<void>((resolve) => (answered = resolve));
  await bob.page.route(
    (url) => url.pathname === `/api/v1/rooms/${roomId}/messages` && url.searchParams.has('beforeSeq'),
    async (route) => {
      const response = await route.fetch();
      answered();
      await answerHeld;
      await route.fulfill({ response });
    },
  );
  await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
  await messages(bob.page).getByRole('button', { name: 'Load earlier messages' }).click();
  await serverAnswered;
  expect(await emitAck(aliceSocket, 'message:edit', { messageId: edited.id, body: 'message 20, reworded' })).toMatchObject({ ok: true });
  expect(await emitAck(aliceSocket, 'message:delete', { messageId: deleted.id })).toMatchObject({ ok: true });
  expect(await emitAck(aliceSocket, 'reaction:add', { messageId: reacted.id, emoji: '👍' })).toMatchObject({ ok: true });
  // A sentinel after the three: once Bob's tab shows it, their pushes have reached it too.
  await postMessages(alice, roomId, ['after the changes']);
  await expect(row(bob.page, 'after the changes')).toBeAttached();
  release();

  await expect(rowAt(bob.page, edited.seq)).toContainText('message 20, reworded');
  await expect(rowAt(bob.page, edited.seq)).toContainText('(edited)');
  await expect(rowAt(bob.page, deleted.seq)).toContainText('Message deleted');
  await expect(rowAt(bob.page, reacted.seq).getByRole('group', { name: 'Reactions' }).getByRole('button')).toHaveText(['👍 1']);
  aliceSocket.close();
  expect(errors.list).toEqual([]);
});

test('back online after more than a page of messages came while the reader was far up: the count says all of them, the view stays', async ({ browser }) => {
  test.setTimeout(240_000);
  const errors = trackPageErrors();
  const { alice, bob, roomId } = await bobHasReadAll(browser, errors, 140);
  await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
  await messages(bob.page).getByRole('button', { name: 'Load earlier messages' }).click();
  await expect(row(bob.page, 'message 0')).toBeAttached();
  await row(bob.page, 'message 70').evaluate((item) => item.scrollIntoView({ block: 'start' }));
  const topOf70 = () => row(bob.page, 'message 70').evaluate((item) => Math.round(item.getBoundingClientRect().top));
  const before = await topOf70();

  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await postMessages(alice, roomId, numbered(141, 390));
  await bob.page.context().setOffline(false);
  await expect(row(bob.page, 'message 390')).toBeAttached({ timeout: 30_000 });
  await expect(row(bob.page, 'message 200')).toBeAttached();
  const count = bob.page.getByRole('button', { name: /new messages? ↓/ });
  await expect(count).toHaveText('250 new messages ↓');
  expect(await topOf70()).toBe(before);
  await count.click();
  await expect(row(bob.page, 'message 390')).toBeInViewport();
  await expect(count).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('with the whole history held, switching away and back offers no "Load earlier messages"', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const { bob, carol } = await bobHasReadAll(browser, errors, 150);
  await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
  await messages(bob.page).getByRole('button', { name: 'Load earlier messages' }).click();
  await expect(row(bob.page, 'message 0')).toBeAttached();
  await expect(messages(bob.page).getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);

  await openChatWith(bob, carol.handle);
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  await expect(row(bob.page, 'message 150')).toBeAttached();
  // Busy until its history has come; then the button would be there if it were offered.
  await expect(messages(bob.page)).not.toHaveAttribute('aria-busy', 'true');
  await expect(row(bob.page, 'message 0')).toBeAttached();
  await expect(messages(bob.page).getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a reload returns to where the reader was also when that is further up than the newest page', async ({ browser }) => {
  test.setTimeout(240_000);
  const errors = trackPageErrors();
  const { bob } = await bobHasReadAll(browser, errors, 350);
  for (const oldest of ['message 151', 'message 51']) {
    await scroller(bob.page).evaluate((element) => (element.scrollTop = 0));
    await messages(bob.page).getByRole('button', { name: 'Load earlier messages' }).click();
    await expect(row(bob.page, oldest)).toBeAttached();
  }
  const topOf = await readAtTop(bob.page, 'message 150');
  const readingAt = await topOf();
  // Kept as the reader scrolls (a moment after): the first message in view where it is now.
  const keptAsShown = () =>
    bob.page.evaluate(() => {
      const kept = Object.entries(sessionStorage).find(([key]) => key.startsWith('relay:place:'))?.[1];
      const { seq, top } = JSON.parse(kept ?? '{}');
      const scroller = document.querySelector('[data-testid="message-scroller"]')!;
      const row = scroller.querySelector(`li[data-seq="${seq}"]`);
      return !!row && Math.abs(row.getBoundingClientRect().top - scroller.getBoundingClientRect().top - top) <= 1;
    });
  await expect.poll(keptAsShown).toBe(true);

  await bob.page.reload();
  await expect(row(bob.page, 'message 150')).toBeInViewport();
  await expect(messages(bob.page)).not.toHaveAttribute('aria-busy', 'true');
  expect(Math.abs((await topOf()) - readingAt)).toBeLessThanOrEqual(2);
  await expect(row(bob.page, 'message 350')).not.toBeInViewport();
  expect(errors.list).toEqual([]);
});

// On a phone the details panel covers the conversation: what comes meanwhile is out of sight, as in a
// hidden tab (before, the view followed it under the panel and it was read, its sender told so).
test('on a phone, messages that come while the details panel covers the conversation stay unread until it closes, then "New messages" marks them', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceOnPhoneAskedByBob(browser, errors, 'hello Alice');
  await acceptRequest(alice, 'Bob');
  await expect(row(alice.page, 'hello Alice')).toBeVisible();
  const roomId = await roomIdWith(bob, alice.handle);
  await alice.page.getByRole('button', { name: 'Conversation details' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Conversation details' });
  await expect(panel).toBeVisible();

  await postMessages(bob, roomId, ['behind the panel', 'this one too']);
  // The view stayed where it was under the panel (it counts them), and nothing was read.
  await expect(alice.page.getByRole('button', { name: '2 new messages ↓' })).toBeAttached();
  await expect(alice.page).toHaveTitle('(2) Bob – Relay');
  // They did arrive: Bob sees them delivered, not read.
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'this one too' })).toContainText('Delivered');
  expect(await unreadFor(alice.page, roomId)).toBe(2);

  await panel.getByRole('button', { name: 'Close' }).click();
  const divider = messages(alice.page).locator('[data-divider="new"]');
  await expect(divider).toBeInViewport();
  expect(await divider.evaluate((element) => element.nextElementSibling?.textContent)).toContain('behind the panel');
  await expect.poll(() => unreadFor(alice.page, roomId)).toBe(0);
  expect(errors.list).toEqual([]);
});

// What came while the tab was hidden was read on another device meanwhile: nothing new to show, so the view
// stays at the bottom (before, it jumped up to the "New messages" of when the conversation was opened).
test('back to a hidden tab whose new messages were read on another device meanwhile: the view stays at the bottom', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  await bob.page.goto('/settings');
  await postMessages(alice, roomId, numbered(1, 30));
  await bob.page.goto(`/c/${roomId}`);
  await readToTheEnd(bob.page);
  await expect.poll(() => unreadFor(bob.page, roomId)).toBe(0);

  await setVisibility(bob.page, 'hidden');
  await postMessages(alice, roomId, ['while away', 'and this']);
  await expect(bob.page).toHaveTitle('(2) Alice – Relay');
  const { lastSeq } = (await (await bob.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId);
  expect((await bob.page.request.post(`/api/v1/rooms/${roomId}/read`, { data: { seq: lastSeq } })).status()).toBe(200);
  await expect(bob.page).toHaveTitle('Alice – Relay');

  await setVisibility(bob.page, 'visible');
  await expect(row(bob.page, 'and this')).toBeInViewport();
  await expect(row(bob.page, 'message 1')).not.toBeInViewport();
  await expect(bob.page.getByRole('button', { name: /new messages? ↓/ })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

// Far up the history (scrolled, or jumped to a search result), one press goes back to the newest, as in
// every chat app; at the bottom there is no such button.
test('more than a screen up, a button takes the reader back to the newest messages', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await bobHasReadAll(browser, errors, 60);
  const jump = bob.page.getByRole('button', { name: 'Jump to the newest messages' });
  await expect(jump).toHaveCount(0);
  await readAtTop(bob.page, 'message 5');
  await expect(jump).toBeVisible();
  await expect(row(bob.page, 'message 60')).not.toBeInViewport();

  await jump.click();
  await expect(row(bob.page, 'message 60')).toBeInViewport();
  await expect(jump).toHaveCount(0);
  // The button went with the press: focus to the conversation's heading, not <body>.
  await expect(bob.page.locator('#conversation-heading')).toBeFocused();
  expect(errors.list).toEqual([]);
});
