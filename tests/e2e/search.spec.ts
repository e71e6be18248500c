import type { APIRequestContext } from '@playwright/test';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, apiUser, groupWith, openChatWith, PASSWORD, postMessages, roomIdWith, send, signUp, trackPageErrors, uniqueHandle } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const row = (page: Page, body: string) => messages(page).locator('li[data-seq]', { has: page.getByText(body, { exact: true }) });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const searchbox = (page: Page) => page.getByRole('searchbox', { name: 'Search messages' });
const mentionsButton = (page: Page) => page.getByRole('button', { name: /^Mentions/ });
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `message ${from + index}`);
// Letters only, so the search's word parser and stemmer see one plain word found nowhere else.
const uniqueWord = () => Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

/** A third person, signed up over the API: no browser of their own is needed. */
async function signUpCarol(request: APIRequestContext) {
  const handle = uniqueHandle('carol');
  const response = await request.post('/api/v1/users', { data: { username: handle, displayName: 'Carol', password: PASSWORD } });
  expect(response.status()).toBe(201);
  return { handle };
}

async function search(page: Page, query: string) {
  await searchbox(page).fill(query);
  await searchbox(page).press('Enter');
}

test('a search result opens its conversation on that message, older than the first page, among its neighbours', async ({ browser }) => {
  // Writing 150 messages on a loaded machine takes a while.
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const word = uniqueWord();
  const { alice, bob } = await acceptedChat(browser, errors, 'message 0');
  const roomId = await roomIdWith(alice, bob.handle);
  // Both wait on a page without the chat while the history is written.
  await alice.page.goto('/settings');
  await bob.page.goto('/settings');
  await postMessages(bob, roomId, numbered(1, 150).map((body) => (body === 'message 5' ? `message 5 ${word}` : body)));
  await alice.page.goto('/');

  await search(alice.page, word);
  const results = alice.page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results.locator('mark')).toHaveText(word);
  await expect(results).toContainText('Bob');
  await results.getByRole('button').click();

  // The newest 100 held nothing this old: the history was loaded through to it.
  const target = row(alice.page, `message 5 ${word}`);
  await expect(target).toHaveAttribute('data-highlight', 'jump');
  await expect(target).toBeFocused();
  await expect(target).toBeInViewport();
  await expect(row(alice.page, 'message 4')).toBeInViewport();
  await expect(row(alice.page, 'message 6')).toBeInViewport();
  await expect(row(alice.page, 'message 150')).not.toBeInViewport();
  // Held without a hole: scrolling down reaches the newest message.
  await expect(messages(alice.page).locator('li[data-seq]')).toHaveCount(151);
  expect(errors.list).toEqual([]);
});

test('a mention raises the badges while another conversation is open; the Mentions view lists it; reading clears it', async ({ browser, request }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const carol = await signUpCarol(request);
  await openChatWith(alice, carol.handle);
  await send(alice, 'hello Carol');
  await expect(rooms(alice.page).getByRole('button', { name: /Carol/ })).toHaveAttribute('aria-current', 'true');

  const roomId = await roomIdWith(alice, bob.handle);
  const body = `ping @${alice.handle} about the plan`;
  await postMessages(bob, roomId, [body]);
  const bobRoom = rooms(alice.page).getByRole('button', { name: /Bob/ });
  await expect(bobRoom).toContainText('@1');
  await expect(bobRoom.getByText('1 mention', { exact: true })).toBeAttached();
  await expect(mentionsButton(alice.page)).toHaveAccessibleName(/^Mentions\s*\(1 unread\)$/);

  await mentionsButton(alice.page).click();
  const list = alice.page.getByRole('list', { name: 'Mentions' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText(body);
  await list.getByRole('button').click();
  await expect(row(alice.page, body)).toBeInViewport();

  // Read: both counts go, here and on the server.
  await expect(mentionsButton(alice.page)).toHaveAccessibleName(/^Mentions$/);
  await expect
    .poll(async () => (await (await alice.page.request.get('/api/v1/rooms')).json()).rooms.find((room: { id: string }) => room.id === roomId).mentions)
    .toBe(0);
  await alice.page.getByRole('button', { name: 'Close' }).click();
  await expect(mentionsButton(alice.page)).toBeFocused();
  await expect(bobRoom).toBeVisible();
  await expect(bobRoom).not.toContainText('@1');
  expect(errors.list).toEqual([]);
});

test('search never shows a message from a conversation the searcher is not in', async ({ browser, request }) => {
  const errors = trackPageErrors();
  const word = uniqueWord();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const carol = await signUpCarol(request);
  // Bob writes to Carol (Alice is not in that conversation), and only then the sentinel to Alice.
  await openChatWith(bob, carol.handle);
  await send(bob, `secret ${word} for Carol`);
  await expect(rooms(bob.page).getByRole('button', { name: /Carol/ })).toBeVisible();
  await postMessages(bob, await roomIdWith(alice, bob.handle), [`sentinel ${word} for Alice`]);

  await search(alice.page, word);
  const results = alice.page.getByRole('list', { name: 'Search results' });
  await expect(results).toContainText(`sentinel ${word} for Alice`);
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results).not.toContainText('for Carol');

  // Escape goes back to the list, focus where it was.
  await searchbox(alice.page).press('Escape');
  await expect(results).toHaveCount(0);
  await expect(rooms(alice.page)).toBeVisible();
  await expect(searchbox(alice.page)).toBeFocused();

  await search(alice.page, `${word}x nothing`);
  await expect(alice.page.getByText('No messages found')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('on a phone a search result shows the conversation pane', async ({ browser, request }) => {
  const errors = trackPageErrors();
  const word = uniqueWord();
  const carol = await signUpCarol(request);
  const alice = await signUp(browser, 'alice', 'Alice', errors, { viewport: { width: 390, height: 844 } });
  await openChatWith(alice, carol.handle);
  await send(alice, `hello ${word}`);
  await expect(row(alice.page, `hello ${word}`)).toBeVisible();
  const roomId = await roomIdWith(alice, carol.handle);
  await alice.page.goto('/');

  await search(alice.page, word);
  await alice.page.getByRole('list', { name: 'Search results' }).getByRole('button').click();
  await expect(row(alice.page, `hello ${word}`)).toBeInViewport();
  await expect(alice.page).toHaveURL(new RegExp(`/c/${roomId}$`));
  await expect(searchbox(alice.page)).not.toBeVisible();
  expect(errors.list).toEqual([]);
});

test('a search made offline runs again by itself when the connection is back', async ({ browser }) => {
  const errors = trackPageErrors();
  const word = uniqueWord();
  const { alice } = await acceptedChat(browser, errors, `packing list ${word}`);

  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await search(alice.page, word);
  await expect(alice.page.getByRole('alert').filter({ hasText: 'No connection to the server' })).toBeVisible();

  // No Retry pressed: the results come once the connection is.
  await alice.page.context().setOffline(false);
  const results = alice.page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results.locator('mark')).toHaveText(word);
  await expect(alice.page.getByRole('alert').filter({ hasText: 'No connection to the server' })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('Mentions is a toggle: pressed again, or Escape on it, closes the view and gives the list back, focus staying on it', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const mentions = mentionsButton(alice.page);
  const view = alice.page.getByRole('list', { name: 'Mentions' });
  await mentions.click();
  await expect(view).toBeVisible();
  await expect(mentions).toHaveAttribute('aria-pressed', 'true');
  await mentions.press('Enter');
  await expect(view).toHaveCount(0);
  await expect(mentions).toHaveAttribute('aria-pressed', 'false');
  await expect(mentions).toBeFocused();

  await mentions.press('Enter');
  await expect(view).toBeVisible();
  await mentions.press('Escape');
  await expect(view).toHaveCount(0);
  await expect(mentions).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('"Load more" brings the older results though the last result shown was edited out of the matches meanwhile', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const word = uniqueWord();
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  await openChatWith(alice, carol.handle);
  await send(alice, 'hello Carol');
  const roomId = await roomIdWith(alice, carol.handle);
  // 25 messages with the word: a first page of 20, then 5 more.
  await postMessages(alice, roomId, Array.from({ length: 25 }, (_, index) => `note ${index + 1} ${word}`));

  await searchbox(alice.page).fill(word);
  await searchbox(alice.page).press('Enter');
  const results = alice.page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(20);
  // The last result shown, "note 6", is opened and reworded: shown, it follows the edit.
  const last = results.getByRole('listitem').last();
  await expect(last).toContainText(`note 6 ${word}`);
  await last.getByRole('button').click();
  const message = row(alice.page, `note 6 ${word}`);
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('button', { name: 'Edit', exact: true }).click();
  await message.getByRole('textbox', { name: 'Edit message' }).fill('note 6 reworded');
  await message.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  await expect(last).toContainText('note 6 reworded');

  await alice.page.getByRole('button', { name: 'Load more' }).click();
  await expect(results.getByRole('listitem')).toHaveCount(25);
  await expect(results.getByRole('listitem').last()).toContainText(`note 1 ${word}`);
  expect(errors.list).toEqual([]);
});

test('a search result keeps its sender’s name when the sender leaves the group while the results are shown', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const word = uniqueWord();
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const roomId = await groupWith(alice, 'Team', [carol, await apiUser(baseURL!, 'dave', 'Dave')]);
  expect((await carol.api.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body: `the ${word} plan` } })).status()).toBe(201);
  await expect(rooms(alice.page).getByRole('button', { name: /Team/ })).toContainText(word);
  await searchbox(alice.page).fill(word);
  await searchbox(alice.page).press('Enter');
  const result = alice.page.getByRole('list', { name: 'Search results' }).getByRole('button');
  await expect(result).toHaveAccessibleName(/Team .* Carol the/);

  // Carol leaves; then the group is renamed: once the result shows the new name, the list has taken both in.
  expect((await carol.api.delete(`/api/v1/groups/${roomId}/users/${carol.handle}`)).ok()).toBe(true);
  expect((await alice.page.request.patch(`/api/v1/groups/${roomId}`, { data: { name: 'Team two' } })).ok()).toBe(true);
  await expect(result).toHaveAccessibleName(/^Team two /);
  await expect(result).toHaveAccessibleName(/Team two .* Carol the/);
  expect(errors.list).toEqual([]);
});

test('a mention arriving while the Mentions view is open shows at its top, as its button counts it', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const roomId = await groupWith(alice, 'Team', [carol]);
  const post = async (body: string) => expect((await carol.api.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body } })).status()).toBe(201);
  await post(`@${alice.handle} first question`);
  await expect(mentionsButton(alice.page)).toHaveAccessibleName('Mentions (1 unread)');
  await mentionsButton(alice.page).click();
  const listed = alice.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem');
  await expect(listed).toHaveCount(1);

  await post(`@${alice.handle} can you look?`);
  await expect(mentionsButton(alice.page)).toHaveAccessibleName('Mentions (2 unread)');
  await expect(listed).toHaveCount(2);
  await expect(listed.first()).toContainText('can you look?');
  await expect(listed.last()).toContainText('first question');
  expect(errors.list).toEqual([]);
});

test('a mention its sender edits out while the Mentions view is open leaves the view, as it leaves the count', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(alice, carol.handle);
  await expect(alice.page.getByRole('main', { name: 'Conversation with Carol' })).toBeVisible();
  await send(bob, `first @${alice.handle} look`);
  await send(bob, `second @${alice.handle} look`);
  await expect(mentionsButton(alice.page)).toHaveAccessibleName('Mentions (2 unread)');
  await mentionsButton(alice.page).click();
  const listed = alice.page.getByRole('list', { name: 'Mentions' }).getByRole('listitem');
  await expect(listed).toHaveCount(2);

  const first = bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]', { hasText: 'first @' });
  await first.getByRole('button', { name: 'Message actions' }).click();
  await first.getByRole('button', { name: 'Edit', exact: true }).click();
  await first.getByRole('textbox', { name: 'Edit message' }).fill('first, nobody named');
  await first.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  await expect(mentionsButton(alice.page)).toHaveAccessibleName('Mentions (1 unread)');
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText('second');
  expect(errors.list).toEqual([]);
});

test('"Load more" pressed from the keyboard puts focus on the first result it brought, not on the page', async ({ browser }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const roomId = await roomIdWith(alice, bob.handle);
  await postMessages(alice, roomId, Array.from({ length: 45 }, (_, index) => `needle number ${index}`));
  const page = bob.page;
  await page.getByLabel('Search messages').fill('needle');
  await page.getByLabel('Search messages').press('Enter');
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem').first()).toBeVisible();
  const before = await results.getByRole('listitem').count();
  await page.getByRole('button', { name: 'Load more' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => results.getByRole('listitem').count()).toBeGreaterThan(before);
  const firstNew = await results.getByRole('listitem').nth(before).getByRole('button').getAttribute('data-hit');
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-hit'))).toBe(firstNew);
  expect(errors.list).toEqual([]);
});
