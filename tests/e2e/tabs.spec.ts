import { type Browser, expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, openChatWith, otherTab, PASSWORD, send, signUp, trackPageErrors } from './helpers';

// One person with several tabs (one browser context) and devices (another context) at once.

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });

/** The same person signed in on another device (a browser context of its own). */
async function signInElsewhere(browser: Browser, handle: string, errors: ReturnType<typeof trackPageErrors>) {
  const page = await (await browser.newContext()).newPage();
  errors.watch(page);
  await page.goto('/signin');
  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

test('blocking someone in one tab turns the message box off in the other tabs and devices; unblocking turns it on', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const tab = await otherTab(alice.page, 'Bob', errors);
  const laptop = await signInElsewhere(browser, alice.handle, errors);
  await rooms(laptop).getByRole('button', { name: /Bob/ }).click();
  const box = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  for (const page of [alice.page, tab, laptop]) await expect(box(page)).toBeEnabled();

  await alice.page.getByRole('button', { name: 'Conversation details' }).click();
  await alice.page.getByRole('complementary', { name: 'Conversation details' }).getByRole('button', { name: `Block @${bob.handle}` }).click();
  await alice.page.keyboard.press('Enter');
  for (const page of [alice.page, tab, laptop]) {
    await expect(box(page)).toBeDisabled();
    await expect(page.getByRole('status').filter({ hasText: `You blocked @${bob.handle}` })).toBeVisible();
  }

  await laptop.getByRole('button', { name: 'Unblock', exact: true }).click();
  for (const page of [alice.page, tab, laptop]) await expect(box(page)).toBeEnabled();
  expect(errors.list).toEqual([]);
});

test('an edit saved in one tab shows in the editor left open in another, which then does not put the old text back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'first version');
  const tab = await otherTab(alice.page, 'Bob', errors);
  const seq = await messages(tab).locator('li[data-seq]', { hasText: 'first version' }).getAttribute('data-seq');
  const message = (page: Page) => messages(page).locator(`li[data-seq="${seq}"]`);
  const openEditor = async (page: Page) => {
    await message(page).getByRole('button', { name: 'Message actions' }).click();
    await message(page).getByRole('button', { name: 'Edit', exact: true }).click();
    return message(page).getByRole('textbox', { name: 'Edit message' });
  };

  const left = await openEditor(tab);
  const editor = await openEditor(alice.page);
  await editor.fill('second version');
  await editor.press('Enter');
  await expect(left).toHaveValue('second version');
  // Enter in the untouched editor changes nothing.
  await left.press('Enter');
  await expect(left).toHaveCount(0);
  await expect(message(bob.page)).toContainText('second version');
  await expect(message(alice.page)).toContainText('second version');
  expect(errors.list).toEqual([]);
});

test('muting a conversation in one tab shows it muted in the other tabs and devices, in their lists too, whose titles stop counting it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(carol, alice.handle);
  await send(carol, 'hi alice');
  await acceptRequest(alice, 'Carol');
  const tab = await otherTab(alice.page, 'Bob', errors);

  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await alice.page.getByRole('combobox', { name: 'Notifications' }).selectOption('mute');
  await expect(tab.getByRole('combobox', { name: 'Notifications' })).toHaveValue('mute');
  // The list says so beside the name, in both tabs; only of the muted conversation.
  for (const page of [alice.page, tab]) await expect(rooms(page).getByRole('button', { name: /Bob/ })).toContainText('(muted)');
  await expect(rooms(tab).getByRole('button', { name: /Carol/ })).not.toContainText('(muted)');
  // Neither tab shows the conversation, so nothing reads what comes.
  for (const page of [alice.page, tab]) await page.goto('/');
  await send(bob, 'while muted');
  await expect(rooms(tab).getByRole('button', { name: /Bob/ }).getByLabel('1 unread')).toBeVisible();
  // Carol's message comes after Bob's: once it counts, Bob's would have too.
  await send(carol, 'sentinel from Carol');
  await expect(rooms(tab).getByRole('button', { name: /Carol/ }).getByLabel('1 unread')).toBeVisible();
  await expect(tab).toHaveTitle('(1) Relay');
  expect(errors.list).toEqual([]);
});

test('a rename saved in one tab shows in the profile editor left open in another, whose Save then keeps it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors);
  const tab = await page.context().newPage();
  errors.watch(tab);
  await tab.goto('/');
  await tab.getByRole('button', { name: 'Edit profile' }).click();
  await page.getByRole('button', { name: 'Edit profile' }).click();
  await page.getByLabel('Display name').fill('Alicia');
  await page.getByLabel('Display name').press('Enter');

  await expect(tab.getByLabel('Display name')).toHaveValue('Alicia');
  await tab.getByRole('button', { name: 'Save' }).click();
  for (const each of [page, tab]) await expect(each.getByRole('complementary', { name: 'Conversations' })).toContainText('Alicia');
  await page.reload();
  await expect(page.getByRole('complementary', { name: 'Conversations' })).toContainText('Alicia');
  expect(errors.list).toEqual([]);
});

test("a group renamed in one tab shows in the rename field left open in another, whose Save then keeps it", async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Trip', members: [bob.handle] } });
  expect(created.status()).toBe(201);
  await rooms(alice.page).getByRole('button', { name: /Trip/ }).click();
  const tab = await otherTab(alice.page, 'Trip', errors);
  const renameIn = async (page: Page) => {
    await page.getByRole('button', { name: 'Conversation details' }).click();
    await page.getByRole('complementary', { name: 'Conversation details' }).getByRole('button', { name: 'Rename group' }).click();
    return page.getByLabel('Group name');
  };
  const leftOpen = await renameIn(tab);
  const field = await renameIn(alice.page);
  await field.fill('Trip 2027');
  await field.press('Enter');

  await expect(leftOpen).toHaveValue('Trip 2027');
  await tab.getByRole('button', { name: 'Save name' }).click();
  await expect(rooms(bob.page)).toContainText('Trip 2027');
  await alice.page.reload();
  await expect(rooms(alice.page)).toContainText('Trip 2027');
  expect(errors.list).toEqual([]);
});

test('Settings left open in a tab shows, once the person comes back to it, who they blocked and where they signed in meanwhile', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const settings = await alice.page.context().newPage();
  errors.watch(settings);
  await settings.goto('/settings');
  const blocked = settings.getByRole('list', { name: 'Blocked people' });
  const sessions = settings.getByRole('list', { name: 'Sessions' });
  await expect(settings.getByText('You have not blocked anyone.')).toBeVisible();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  await alice.page.getByRole('button', { name: 'Conversation details' }).click();
  await alice.page.getByRole('complementary', { name: 'Conversation details' }).getByRole('button', { name: `Block @${bob.handle}` }).click();
  await alice.page.keyboard.press('Enter');
  await expect(alice.page.getByRole('status').filter({ hasText: `You blocked @${bob.handle}` })).toBeVisible();
  const laptop = await signInElsewhere(browser, alice.handle, errors);
  await expect(laptop.getByRole('list', { name: 'Recent conversations' })).toBeVisible();

  // Coming back to the tab: its window is focused again (headless Chromium does not switch windows itself).
  await settings.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(blocked.getByRole('button', { name: `Unblock @${bob.handle}` })).toBeVisible();
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  expect(errors.list).toEqual([]);
});

test('a message request ignored in one tab closes in another tab showing it, instead of calling it not available', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hi stranger');
  const requests = (page: Page) => page.getByRole('region', { name: 'Message requests' });
  const bar = (page: Page) => page.getByRole('region', { name: 'Message request', exact: true });
  const second = await bob.page.context().newPage();
  errors.watch(second);
  await second.goto('/');
  for (const tab of [bob.page, second]) await requests(tab).getByRole('button', { name: /Alice/ }).click();
  for (const tab of [bob.page, second]) await expect(bar(tab)).toBeVisible();

  await bar(bob.page).getByRole('button', { name: 'Ignore' }).click();
  await expect(bar(second)).toHaveCount(0);
  await expect(second.getByText('Pick a conversation or find someone to talk to.')).toBeVisible();
  await expect(second.getByText('This conversation is not available.')).toHaveCount(0);
  await expect(second).toHaveURL(/\/$/);
  expect(errors.list).toEqual([]);
});
