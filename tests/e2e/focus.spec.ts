import sharp from 'sharp';
import { expect, test } from './fixtures';
import { acceptedChat, apiUser, groupWith, openChatWith, PASSWORD, postMessages, roomIdWith, send, signUp, trackPageErrors, uniqueHandle } from './helpers';

// Keyboard and screen-reader users: closing a panel or a question puts focus back where it came from
// (docs/client.md), never on <body>.

test('the details panel and a confirmation give focus back to the button that opened them', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const page = alice.page;
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  const detailsButton = page.getByRole('button', { name: 'Conversation details' });

  await detailsButton.click();
  await expect(details.getByRole('heading', { name: 'Details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(detailsButton).toBeFocused();

  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.getByLabel('Handle to add')).toBeFocused();
  await details.getByRole('button', { name: 'Close' }).click();
  await expect(details).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add person' })).toBeFocused();

  await detailsButton.click();
  const block = details.getByRole('button', { name: `Block @${bob.handle}` });
  await block.click();
  await expect(details.getByRole('button', { name: 'Block', exact: true })).toBeFocused();
  await details.getByRole('button', { name: 'Cancel' }).click();
  await expect(block).toBeFocused();
  // Escape in the question answers it, not the panel.
  await block.click();
  await page.keyboard.press('Escape');
  await expect(block).toBeFocused();
  await expect(details).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('blocking from the details keeps focus on its undoing and turns the message box off, saying why; unblocking from the bar opens it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const page = alice.page;
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  const box = page.getByRole('textbox', { name: 'Message' });
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await details.getByRole('button', { name: `Block @${bob.handle}` }).click();
  await page.keyboard.press('Enter');
  const unblockHere = details.getByRole('button', { name: `Unblock @${bob.handle}` });
  await expect(unblockHere).toBeFocused();
  // Escape still closes the panel, focus being in it.
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);

  await expect(box).toBeDisabled();
  await expect(page.getByRole('status').filter({ hasText: `You blocked @${bob.handle}` })).toBeVisible();
  await page.getByRole('button', { name: 'Unblock', exact: true }).click();
  await expect(box).toBeEnabled();
  await expect(box).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: `You blocked @${bob.handle}` })).toHaveCount(0);
  await box.fill('unblocked again');
  await box.press('Enter');
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('unblocked again');
  expect(errors.list).toEqual([]);
});

test('a conversation opened from the keyboard (a person found, a request accepted) puts focus in its message box', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const find = alice.page.getByLabel('Find people');
  await find.fill(bob.handle);
  const result = alice.page.getByRole('button', { name: new RegExp(bob.handle) });
  await result.focus();
  await alice.page.keyboard.press('Enter');
  const aliceBox = alice.page.getByRole('textbox', { name: 'Message' });
  await expect(aliceBox).toBeFocused();
  await alice.page.keyboard.type('hello from the keyboard');
  await alice.page.keyboard.press('Enter');

  await bob.page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Alice/ }).click();
  await bob.page.getByRole('region', { name: 'Message request' }).getByRole('button', { name: 'Accept' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await bob.page.keyboard.type('hi, typed at once');
  await bob.page.keyboard.press('Enter');
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('hi, typed at once');
  expect(errors.list).toEqual([]);
});

test('the profile editor takes focus, says what is wrong in words, and Escape or Cancel leave it unchanged', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors);
  const edit = page.getByRole('button', { name: 'Edit profile' });
  const field = page.getByLabel('Display name');
  const sidebar = page.getByRole('complementary', { name: 'Conversations' });

  await edit.click();
  await expect(field).toBeFocused();
  await field.fill('Someone else');
  await page.keyboard.press('Escape');
  await expect(edit).toBeFocused();
  await expect(sidebar).toContainText('Alice');

  await edit.click();
  await expect(field).toHaveValue('Alice');
  await field.fill('   ');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar.getByRole('alert')).toHaveText('Display name must not be empty.');
  await field.fill('x'.repeat(65));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar.getByRole('alert')).toHaveText('Display name must be at most 64 characters.');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeFocused();

  await edit.click();
  await field.fill('Alicia');
  await field.press('Enter');
  await expect(edit).toBeFocused();
  await expect(sidebar).toContainText('Alicia');
  expect(errors.list).toEqual([]);
});

test('in Settings, unblocking someone moves focus to the next person in the list, and the last to the list’s heading', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors);
  const handles = [uniqueHandle('blk'), uniqueHandle('blk')];
  for (const handle of handles) {
    expect((await page.request.post('/api/v1/users', { data: { username: handle, password: PASSWORD } })).status()).toBe(201);
    expect((await page.request.post('/api/v1/blocks', { data: { handle } })).status()).toBe(201);
  }
  await page.goto('/settings');
  const blocked = page.getByRole('list', { name: 'Blocked people' });
  const [newest, oldest] = [...handles].reverse();
  await blocked.getByRole('button', { name: `Unblock @${newest}` }).click();
  await expect(blocked.getByRole('button', { name: `Unblock @${oldest}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(blocked.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Blocked people' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('ignoring or blocking a request from the keyboard moves focus to the next request, and from the last to Find people', async ({ browser }) => {
  const errors = trackPageErrors();
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  for (const [prefix, name] of [['alice', 'Alice'], ['carol', 'Carol']]) {
    const sender = await signUp(browser, prefix, name, errors);
    await openChatWith(sender, bob.handle);
    await send(sender, `hello from ${name}`);
  }
  const requests = bob.page.getByRole('region', { name: 'Message requests' });
  await expect(requests.getByRole('listitem')).toHaveCount(2);
  const bar = bob.page.getByRole('region', { name: 'Message request', exact: true });

  await requests.getByRole('button', { name: /Alice/ }).click();
  await bar.getByRole('button', { name: 'Ignore' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(requests.getByRole('button', { name: /Carol/ })).toBeFocused();

  await bob.page.keyboard.press('Enter');
  await bar.getByRole('button', { name: 'Block', exact: true }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bar.getByRole('button', { name: /^Block @/ })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(bob.page.getByLabel('Find people')).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('Alt+Up and Alt+Down open the conversation above or below in the list; with Shift, the nearest unread one', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const page = alice.page;
  for (const name of ['Two', 'Three']) {
    expect((await page.request.post('/api/v1/groups', { data: { name, members: [bob.handle] } })).status()).toBe(201);
  }
  const list = page.getByRole('list', { name: 'Recent conversations' });
  const open = (title: string) => expect(page.getByRole('main', { name: `Conversation with ${title}` })).toBeVisible();
  // Newest first: Three, Two, then Bob (open).
  await expect(list.getByRole('button')).toHaveText([/Three/, /Two/, /Bob/]);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.focus();

  await page.keyboard.press('Alt+ArrowUp');
  await open('Two');
  await expect(list.getByRole('button', { name: /Two/ })).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Alt+ArrowUp');
  await open('Three');
  // At the top: nowhere further.
  await page.keyboard.press('Alt+ArrowUp');
  await open('Three');
  await page.keyboard.press('Alt+ArrowDown');
  await open('Two');
  await page.keyboard.press('Alt+ArrowDown');
  await open('Bob');
  await expect(box).toBeFocused();

  // Bob writes in Two: from Bob's conversation, Shift skips to the one with unread messages.
  await page.keyboard.press('Alt+ArrowUp');
  await open('Two');
  await page.keyboard.press('Alt+ArrowDown');
  await open('Bob');
  const twoId = (await (await page.request.get('/api/v1/rooms')).json()).rooms.find((room: { name: string | null }) => room.name === 'Two').id;
  expect((await bob.page.request.post(`/api/v1/rooms/${twoId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body: 'news in two' } })).status()).toBe(201);
  await expect(list.getByRole('button', { name: /Two/ })).toContainText('news in two');
  await page.keyboard.press('Alt+Shift+ArrowUp');
  await open('Two');
  expect(errors.list).toEqual([]);
});

test('Escape in a message’s Report panel closes it and gives focus back to the message actions button', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello from alice');
  const page = bob.page;
  const row = page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]', { hasText: 'hello from alice' });
  await row.getByRole('button', { name: 'Message actions' }).focus();
  await page.keyboard.press('Enter');
  await row.getByRole('button', { name: 'Report message' }).focus();
  await page.keyboard.press('Enter');
  const reason = row.getByLabel('Reason for reporting');
  await expect(reason).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(reason).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Message actions' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('"Load earlier messages" pressed from the keyboard keeps focus in the conversation, once the start is reached too', async ({ browser }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'first of many');
  const roomId = await roomIdWith(alice, bob.handle);
  await postMessages(alice, roomId, Array.from({ length: 130 }, (_, index) => `filler ${index}`));
  await bob.page.reload();
  const list = bob.page.getByRole('list', { name: 'Messages' });
  await expect(list).toContainText('filler 129');
  await bob.page.getByRole('button', { name: 'Load earlier messages' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(list).toContainText('first of many');
  await expect.poll(() => bob.page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName)).toBe('conversation-heading');
  expect(errors.list).toEqual([]);
});

test('choosing a profile picture from the keyboard leaves focus on the picture control, so Escape still closes the editor', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors);
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const input = page.getByLabel('Profile picture');
  await input.focus();
  await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 120, height: 80, channels: 3, background: '#e11d48' } }).png().toBuffer() });
  await expect(page.getByText('Picture saved.')).toBeVisible();
  await expect(input).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Display name')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit profile' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('a group rename that fails (no connection), saved with its button, leaves focus in the name field', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  await groupWith(alice, 'Crew', [bob]);
  const page = alice.page;
  await page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Crew/ }).click();
  await page.getByRole('button', { name: 'Conversation details' }).click();
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  await details.getByRole('button', { name: 'Rename group' }).click();
  // Refused before asking (no name): Save never goes off, and focus still moves to the field to mend it.
  await details.getByLabel('Group name').fill('  ');
  await details.getByRole('button', { name: 'Save name' }).focus();
  await page.keyboard.press('Enter');
  await expect(details.getByRole('alert')).toBeVisible();
  await expect(details.getByLabel('Group name')).toBeFocused();
  await details.getByLabel('Group name').fill('Crew two');
  await page.context().setOffline(true);
  await details.getByRole('button', { name: 'Save name' }).focus();
  await page.keyboard.press('Enter');
  await expect(details.getByRole('alert')).toBeVisible();
  await expect(details.getByLabel('Group name')).toBeFocused();
  await page.context().setOffline(false);
  expect(errors.list).toEqual([]);
});
