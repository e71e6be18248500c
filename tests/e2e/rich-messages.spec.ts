import AxeBuilder from '@axe-core/playwright';
import sharp from 'sharp';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, aliceOnPhoneAskedByBob, aliceWithBobAndCarol, anotherDevice, apiUser, groupWith, openChatWith, roomIdWith, send, signUp, trackPageErrors, PHONE } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const suggestions = (page: Page) => page.getByRole('listbox', { name: 'People to mention' });
// A message by its own text (not a reply's quote of it).
const row = (page: Page, text: string) => messages(page).locator('li[data-seq]').filter({ has: page.locator('p.whitespace-pre-wrap', { hasText: text }) });
const rowAt = (page: Page, seq: string) => messages(page).locator(`li[data-seq="${seq}"]`);
const offlineBanner = (page: Page) => page.getByRole('status').filter({ hasText: 'Offline' });

/** Opens a message's "⋯" menu and picks an action. */
async function act(page: Page, text: string, action: string) {
  const message = row(page, text);
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('button', { name: action, exact: true }).click();
  return message;
}

async function edit(page: Page, text: string, newText: string) {
  const message = await act(page, text, 'Edit');
  await message.getByRole('textbox', { name: 'Edit message' }).fill(newText);
  await message.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  return message;
}

async function remove(page: Page, text: string) {
  const message = await act(page, text, 'Delete');
  await message.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete', exact: true }).click();
}

async function react(page: Page, text: string, name: string) {
  const message = await act(page, text, 'React');
  await message.getByRole('button', { name: `React with ${name}` }).click();
}

test('an edit and a delete show live for the other member, in place', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello there');
  await send(alice, 'second thought');
  await expect(row(bob.page, 'second thought')).toBeVisible();
  const seq = (await row(bob.page, 'second thought').getAttribute('data-seq'))!;

  const edited = await edit(alice.page, 'hello there', 'hello, edited');
  // Saving closes the editor and gives focus back to the message's actions button.
  await expect(edited.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);
  await expect(row(alice.page, 'hello, edited').getByRole('button', { name: 'Message actions' })).toBeFocused();
  await expect(row(bob.page, 'hello, edited')).toContainText('(edited)');
  await expect(row(bob.page, 'hello, edited').getByText('(edited)')).toHaveAttribute('title', /^Edited /);

  // Escape leaves the text as it was.
  const message = await act(alice.page, 'hello, edited', 'Edit');
  await message.getByRole('textbox', { name: 'Edit message' }).fill('not this');
  await message.getByRole('textbox', { name: 'Edit message' }).press('Escape');
  await expect(message.getByRole('button', { name: 'Message actions' })).toBeFocused();
  await expect(message).toContainText('hello, edited');

  // An edit that leaves nothing is not sent: the editor says why and keeps the message as it was.
  const emptied = await act(alice.page, 'hello, edited', 'Edit');
  await emptied.getByRole('textbox', { name: 'Edit message' }).fill('  ');
  await emptied.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  await expect(emptied.getByRole('alert')).toHaveText('A message cannot be empty: delete it instead.');
  await emptied.getByRole('textbox', { name: 'Edit message' }).press('Escape');
  await expect(row(bob.page, 'hello, edited')).toBeVisible();

  await remove(alice.page, 'second thought');
  await expect(rowAt(bob.page, seq)).toContainText('Message deleted');
  await expect(rowAt(bob.page, seq)).not.toContainText('second thought');
  // The conversation list says so too, never an empty line (nor the deleted text).
  const bobsRow = bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ });
  await expect(bobsRow).toContainText('Message deleted');
  await expect(bobsRow).not.toContainText('second thought');
  await expect(rowAt(alice.page, seq)).toContainText('Message deleted');
  // Its actions button is gone with it: focus rests on the message, not lost to the page.
  await expect(rowAt(alice.page, seq)).toBeFocused();
  // Someone else's message offers neither Edit nor Delete.
  await row(bob.page, 'hello, edited').getByRole('button', { name: 'Message actions' }).click();
  await expect(row(bob.page, 'hello, edited').getByRole('button', { name: 'Reply', exact: true })).toBeVisible();
  await expect(row(bob.page, 'hello, edited').getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(row(bob.page, 'hello, edited').getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('Up in an empty message box edits your last message there; Enter saves and Escape goes back to the box', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'first of mine');
  await send(alice, 'last of mine');
  await send(bob, 'and one from Bob');
  await expect(row(alice.page, 'and one from Bob')).toBeVisible();
  const box = alice.page.getByRole('textbox', { name: 'Message', exact: true });

  // With words in the box, Up moves in them: no editor opens.
  await box.fill('half written');
  await box.press('ArrowUp');
  await expect(alice.page.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);

  // Empty: Up opens the editor on Alice's newest message, not Bob's after it.
  await box.fill('');
  await box.press('ArrowUp');
  const editor = row(alice.page, 'last of mine').getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue('last of mine');
  await editor.press('Escape');
  await expect(editor).toHaveCount(0);
  await expect(box).toBeFocused();

  await box.press('ArrowUp');
  await editor.fill('last of mine, fixed');
  await editor.press('Enter');
  await expect(row(bob.page, 'last of mine, fixed')).toContainText('(edited)');
  await expect(box).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('an edit left unsaved is there as left after switching conversations and after a reload, until saved', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await send(alice, 'original text');
  const message = await act(page, 'original text', 'Edit');
  const editor = message.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('changed, not saved yet');

  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(row(page, 'hello from carol')).toBeVisible();
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(editor).toHaveValue('changed, not saved yet');
  await page.reload();
  await expect(editor).toHaveValue('changed, not saved yet');

  await message.getByRole('button', { name: 'Save' }).click();
  await expect(row(page, 'changed, not saved yet')).toContainText('(edited)');
  await expect(editor).toHaveCount(0);
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(row(page, 'hello from carol')).toBeVisible();
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(row(page, 'changed, not saved yet')).toBeVisible();
  await expect(editor).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

const editorOf = (page: Page, text: string) => row(page, text).getByRole('textbox', { name: 'Edit message' });
async function awayAndBack(page: Page) {
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(row(page, 'hello from carol')).toBeVisible();
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(row(page, 'hello from bob')).toBeVisible();
}

test('two editors left open in one room both come back; Cancel on one leaves the other kept', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await send(alice, 'first mine');
  await send(alice, 'second mine');
  await (await act(page, 'first mine', 'Edit')).getByRole('textbox', { name: 'Edit message' }).fill('first, changed');
  await (await act(page, 'second mine', 'Edit')).getByRole('textbox', { name: 'Edit message' }).fill('second, changed');
  await awayAndBack(page);
  await expect(editorOf(page, 'first mine')).toHaveValue('first, changed');
  await expect(editorOf(page, 'second mine')).toHaveValue('second, changed');
  await row(page, 'first mine').getByRole('button', { name: 'Cancel' }).click();
  await awayAndBack(page);
  await expect(editorOf(page, 'second mine')).toHaveValue('second, changed');
  await expect(editorOf(page, 'first mine')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('an edit saved just before switching away, answered after coming back, leaves no editor open', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await send(alice, 'to be saved');
  // The page's socket frames pass through here, so the edit's can be held (a slow network).
  const holding = { on: false, release: () => {} };
  let asked = () => {};
  const held = new Promise<void>((resolve) => (asked = resolve));
  await page.routeWebSocket(/\/socket\.io\//, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((frame) => {
      if (holding.on && typeof frame === 'string' && frame.includes('"message:edit"')) {
        holding.on = false;
        holding.release = () => server.send(frame);
        asked();
      } else server.send(frame);
    });
  });
  await page.reload();
  await expect(row(page, 'to be saved')).toBeVisible();
  const editor = editorOf(page, 'to be saved');
  await act(page, 'to be saved', 'Edit');
  await editor.fill('saved late');
  holding.on = true;
  await editor.press('Enter');
  await held;
  await awayAndBack(page);
  holding.release();
  await expect(row(bob.page, 'saved late')).toBeVisible();
  await expect(row(page, 'saved late')).toContainText('(edited)');
  await expect(editorOf(page, 'saved late')).toHaveCount(0);
  await awayAndBack(page);
  await expect(editorOf(page, 'saved late')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('signing out in another tab leaves no edit being written in this one', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  await groupWith(alice, 'Crew', [await apiUser(baseURL!, 'bob', 'Bob')]);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Crew/ }).click();
  await send(alice, 'plain');
  await (await act(page, 'plain', 'Edit')).getByRole('textbox', { name: 'Edit message' }).fill('secret words');
  const tab = await page.context().newPage();
  errors.watch(tab);
  await tab.goto('/');
  await tab.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect(await page.evaluate(() => Object.values(sessionStorage).filter((value) => value.includes('secret words')))).toEqual([]);
  expect(errors.list).toEqual([]);
});

test('an edit or a delete answered late does not take focus from the menu opened meanwhile on another message', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'keep me');
  await send(bob, 'delete me');
  await send(bob, 'edit me');
  await send(bob, 'open my menu');
  await expect(row(alice.page, 'open my menu')).toBeVisible();
  // Bob's page goes through a stand-in for the network that holds his edit or delete until told to let it go.
  const holding = { event: '', release: () => {}, held: () => {} };
  const hold = (event: string) => {
    holding.event = event;
    return new Promise<void>((resolve) => (holding.held = resolve));
  };
  await bob.page.routeWebSocket(/\/socket\.io\//, (page) => {
    const server = page.connectToServer();
    page.onMessage((frame) => {
      if (holding.event && typeof frame === 'string' && frame.includes(`"${holding.event}"`)) {
        holding.event = '';
        holding.release = () => server.send(frame);
        holding.held();
      } else server.send(frame);
    });
  });
  await bob.page.reload();
  await expect(row(bob.page, 'open my menu')).toBeVisible();
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0);
  const other = row(bob.page, 'open my menu');
  const openOtherMenu = async () => {
    await other.getByRole('button', { name: 'Message actions' }).click();
    await expect(other.getByRole('button', { name: 'Reply', exact: true })).toBeFocused();
  };

  let held = hold('message:delete');
  await remove(bob.page, 'delete me');
  await held;
  await openOtherMenu();
  holding.release();
  await expect(row(alice.page, 'delete me')).toHaveCount(0);
  await expect(messages(bob.page)).toContainText('Message deleted');
  // The menu Bob opened stays open with his focus in it.
  await expect(other.getByRole('button', { name: 'Reply', exact: true })).toBeFocused();
  await other.getByRole('button', { name: 'Message actions' }).click();
  await expect(other.getByRole('button', { name: 'Reply', exact: true })).toHaveCount(0);

  held = hold('message:edit');
  await edit(bob.page, 'edit me', 'edited late');
  await held;
  await openOtherMenu();
  holding.release();
  await expect(row(alice.page, 'edited late')).toBeVisible();
  await expect(row(bob.page, 'edited late').getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);
  await expect(other.getByRole('button', { name: 'Reply', exact: true })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('a reaction shows live with its count and who reacted; pressing it toggles mine', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'react to me');
  await react(bob.page, 'react to me', 'thumbs up');

  const onAlice = row(alice.page, 'react to me').getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '👍 1' });
  await expect(onAlice).toHaveAttribute('aria-pressed', 'false');
  await expect(onAlice).toHaveAttribute('title', 'Bob reacted with 👍');
  const onBob = row(bob.page, 'react to me').getByRole('button', { name: '👍 1' });
  await expect(onBob).toHaveAttribute('aria-pressed', 'true');

  // Under Alice's own message (right-aligned) the reaction sits at the right, under its bubble.
  const [chip, bubble] = await Promise.all([onAlice.boundingBox(), row(alice.page, 'react to me').locator('div.rounded-2xl').boundingBox()]);
  expect(chip!.x + chip!.width).toBeGreaterThan(bubble!.x + bubble!.width - 2);
  await onAlice.click();
  const both = row(bob.page, 'react to me').getByRole('button', { name: '👍 2' });
  await expect(both).toHaveAttribute('title', 'You, Alice reacted with 👍');
  await expect(row(alice.page, 'react to me').getByRole('button', { name: '👍 2' })).toHaveAttribute('aria-pressed', 'true');

  // Pressing it again takes mine back.
  await row(alice.page, 'react to me').getByRole('button', { name: '👍 2' }).click();
  await expect(row(bob.page, 'react to me').getByRole('button', { name: '👍 1' })).toHaveAttribute('title', 'You reacted with 👍');

  // A double tap adds and takes back, two changes on the server, before the first is answered or not.
  const roomId = await roomIdWith(alice, bob.handle);
  const onServer = async () => (await (await alice.page.request.get(`/api/v1/rooms/${roomId}/messages`)).json()).messages.find((message: { body: string }) => message.body === 'react to me');
  const before = (await onServer()).version;
  await row(alice.page, 'react to me').getByRole('button', { name: '👍 1' }).dblclick();
  await expect.poll(async () => (await onServer()).version).toBeGreaterThanOrEqual(before + 2);
  expect((await onServer()).reactions).toEqual([{ emoji: '👍', count: 1, handles: [bob.handle] }]);
  await expect(row(alice.page, 'react to me').getByRole('button', { name: '👍 1' })).toHaveAttribute('aria-pressed', 'false');
  await expect(row(bob.page, 'react to me').getByRole('button', { name: '👍 1' })).toHaveAttribute('title', 'You reacted with 👍');
  expect(errors.list).toEqual([]);
});

test('a reply quotes its original on both sides, and says so once the original is deleted', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'what time is it?');
  await act(bob.page, 'what time is it?', 'Reply');
  await expect(bob.page.getByTestId('replying-to')).toHaveText(/Replying to Alice: what time is it\?/);
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  // Cancel reply drops it; Reply again brings it back.
  await bob.page.getByRole('button', { name: 'Cancel reply' }).click();
  await expect(bob.page.getByTestId('replying-to')).toHaveCount(0);
  await act(bob.page, 'what time is it?', 'Reply');
  await send(bob, 'noon');
  await expect(bob.page.getByTestId('replying-to')).toHaveCount(0);

  for (const page of [alice.page, bob.page]) {
    const quote = row(page, 'noon').getByRole('button', { name: /^Reply to Alice: what time is it\?/ });
    await expect(quote).toBeVisible();
    await expect(quote).toContainText('Alice');
  }
  // Answering one's own message says so, as WhatsApp does ("You"), not one's own name.
  await act(alice.page, 'what time is it?', 'Reply');
  await expect(alice.page.getByTestId('replying-to')).toHaveText(/Replying to yourself: what time is it\?/);
  await alice.page.getByRole('button', { name: 'Cancel reply' }).click();
  // The quote opens the conversation on the original (jumpTo); here it is already shown.
  await row(alice.page, 'noon').getByRole('button', { name: /^Reply to Alice/ }).click();
  await expect(row(alice.page, 'what time is it?')).toBeVisible();

  // A reply being written when its original is deleted says so in its bar.
  await act(bob.page, 'what time is it?', 'Reply');
  await remove(alice.page, 'what time is it?');
  await expect(row(bob.page, 'noon')).toContainText('Original message deleted');
  await expect(bob.page.getByTestId('replying-to')).toHaveText(/Replying to Alice: Message deleted/);
  expect(errors.list).toEqual([]);
});

test('an image is uploaded with the composer and the other member sees its thumbnail; other files get a Download link', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'a picture follows');
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();

  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: png });
  const files = alice.page.getByRole('list', { name: 'Files to send' });
  await expect(files).toContainText('Ready');
  // Removing one before sending drops it.
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'oops.txt', mimeType: 'text/plain', buffer: Buffer.from('not meant') });
  await expect(files.getByRole('listitem').filter({ hasText: 'oops.txt' })).toContainText('Ready');
  await alice.page.getByRole('button', { name: 'Remove oops.txt' }).click();
  await expect(files).not.toContainText('oops.txt');
  // Text is optional with a file.
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  // The conversation list previews a message of files alone by their names.
  await expect(bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ })).toContainText('📎 red.png');

  const image = messages(bob.page).getByRole('img', { name: 'red.png' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBeGreaterThan(0);
  await expect(image).toHaveAttribute('src', /\/api\/v1\/attachments\/[A-Za-z0-9_-]+\?thumb=1$/);
  await expect(messages(bob.page).getByRole('link').filter({ has: bob.page.getByRole('img', { name: 'red.png' }) })).toHaveAttribute('href', /\/api\/v1\/attachments\/[A-Za-z0-9_-]+$/);

  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x'.repeat(2048)) });
  await expect(files).toContainText('Ready');
  await send(alice, 'the notes');
  const note = row(bob.page, 'the notes');
  await expect(note).toContainText('notes.txt');
  await expect(note).toContainText('2.0 KB');
  const download = note.getByRole('link', { name: 'Download notes.txt' });
  const response = await bob.page.request.get((await download.getAttribute('href'))!);
  expect(await response.text()).toBe('x'.repeat(2048));

  expect(errors.list).toEqual([]);
});

test('a file over the size limit is refused with the reason shown beside it, and can be removed', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await acceptedChat(browser, errors, 'a big file next');

  // Past ATTACHMENT_MAX_BYTES (25 MiB by default) the server refuses it; the composer says so beside the file.
  // Made in the page: sending 25 MiB through the test driver is slow.
  await alice.page.getByLabel('Attach file').evaluate((input: HTMLInputElement) => {
    const files = new DataTransfer();
    files.items.add(new File([new Uint8Array(25 * 1024 * 1024 + 1)], 'huge.bin'));
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const files = alice.page.getByRole('list', { name: 'Files to send' });
  await expect(files.getByRole('alert')).toHaveText('Too large: at most 25 MB');
  // Sending it again cannot help: no Retry, and the composer says what to do.
  await expect(files.getByRole('button', { name: 'Retry huge.bin' })).toHaveCount(0);
  await expect(alice.page.getByRole('status').filter({ hasText: 'A file was refused: remove it to send the message.' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Remove huge.bin' }).click();
  await expect(files).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a member who was offline sees the edits, deletes and reactions made meanwhile once back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'will be edited');
  await send(alice, 'will be deleted');
  await send(alice, 'will get a reaction');
  await expect(row(bob.page, 'will get a reaction')).toBeVisible();
  const deletedSeq = (await row(bob.page, 'will be deleted').getAttribute('data-seq'))!;

  await bob.page.context().setOffline(true);
  await expect(offlineBanner(bob.page)).toBeVisible();
  await edit(alice.page, 'will be edited', 'was edited offline');
  await expect(row(alice.page, 'was edited offline')).toContainText('(edited)');
  await remove(alice.page, 'will be deleted');
  await expect(rowAt(alice.page, deletedSeq)).toContainText('Message deleted');
  await react(alice.page, 'will get a reaction', 'party');
  await expect(row(alice.page, 'will get a reaction').getByRole('button', { name: '🎉 1' })).toBeVisible();
  // Nothing reached Bob while offline. A reaction he tries meanwhile is refused with a notice.
  await expect(row(bob.page, 'will be edited')).toBeVisible();
  await react(bob.page, 'will be edited', 'thumbs up');
  const offlineNotice = bob.page.getByRole('alert').filter({ hasText: 'You are offline' });
  await expect(offlineNotice).toBeVisible();

  await bob.page.context().setOffline(false);
  await expect(offlineBanner(bob.page)).toHaveCount(0, { timeout: 20_000 });
  // Back online, the notice goes with the banner.
  await expect(offlineNotice).toHaveCount(0);
  await expect(row(bob.page, 'was edited offline')).toContainText('(edited)');
  await expect(rowAt(bob.page, deletedSeq)).toContainText('Message deleted');
  await expect(row(bob.page, 'will get a reaction').getByRole('button', { name: '🎉 1' })).toHaveAttribute('title', 'Alice reacted with 🎉');
  expect(errors.list).toEqual([]);
});

test('a mention its sender deletes or edits out leaves the unread and mention badges at once', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  // Alice looks at another conversation, so Bob's messages stay unread.
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(alice, carol.handle);
  await expect(alice.page.getByRole('main', { name: 'Conversation with Carol' })).toBeVisible();
  await send(bob, `first @${alice.handle} ping`);
  await send(bob, `second @${alice.handle} ping`);
  const bobRoom = alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ });
  const mentionsButton = alice.page.getByRole('button', { name: /^Mentions/ });
  await expect(bobRoom.getByText('2 mentions', { exact: true })).toBeAttached();
  await expect(bobRoom.locator('[aria-label="2 unread"]')).toBeVisible();
  await expect(mentionsButton).toHaveAccessibleName(/^Mentions\s*\(2 unread\)$/);

  await remove(bob.page, 'first @');
  await expect(bobRoom.locator('[aria-label="1 unread"]')).toBeVisible();
  await expect(mentionsButton).toHaveAccessibleName(/^Mentions\s*\(1 unread\)$/);
  await edit(bob.page, 'second @', 'second, no one named');
  await expect(mentionsButton).toHaveAccessibleName(/^Mentions$/);
  await expect(bobRoom.getByText(/mentions?$/)).toHaveCount(0);
  await expect(bobRoom.locator('[aria-label="1 unread"]')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('search results shown while their messages change follow them: a deleted one leaves, an edited one shows its new text', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'search me');
  const word = Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  await send(bob, `first ${word}`);
  await send(bob, `second ${word}`);
  await send(bob, `third ${word}`);
  await expect(row(alice.page, `third ${word}`)).toBeVisible();
  await alice.page.getByRole('searchbox', { name: 'Search messages' }).fill(word);
  await alice.page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
  const results = alice.page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await expect(results).toHaveCount(3);

  await remove(bob.page, `first ${word}`);
  await edit(bob.page, `second ${word}`, 'second, said otherwise');
  await expect(results).toHaveCount(2);
  await expect(results.filter({ hasText: `first ${word}` })).toHaveCount(0);
  await expect(results.filter({ hasText: 'second, said otherwise' })).toHaveCount(1);
  await expect(results.filter({ hasText: `third ${word}` }).locator('mark')).toHaveText(word);
  expect(errors.list).toEqual([]);
});

test('the message actions button is big enough to hit, and its menu puts Reply first and Report last', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hello there');
  const button = row(bob.page, 'hello there').getByRole('button', { name: 'Message actions' });
  await button.click();
  // WCAG 2.2 target size: at least 24 × 24 CSS pixels.
  const box = (await button.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(24);
  expect(box.height).toBeGreaterThanOrEqual(24);
  const items = row(bob.page, 'hello there').getByRole('button').filter({ hasNotText: '⋯' });
  await expect(items).toHaveText(['Reply', 'React', 'Report message']);
  await expect(items.first()).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('any emoji can be a reaction: typed or pasted under "Other emoji", and anything else is refused in words', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'unicorns exist');
  const message = await act(bob.page, 'unicorns exist', 'React');
  const other = message.getByLabel('Other emoji');
  await other.fill('abc');
  await other.press('Enter');
  await expect(message.getByRole('alert')).toHaveText('The reaction must be one emoji.');
  await expect(other).toHaveAttribute('aria-invalid', 'true');
  await other.fill('🦄');
  await message.getByRole('button', { name: 'React', exact: true }).click();
  await expect(row(alice.page, 'unicorns exist').getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '🦄 1' })).toHaveAttribute('title', 'Bob reacted with 🦄');
  await expect(row(bob.page, 'unicorns exist').getByRole('button', { name: '🦄 1' })).toHaveAttribute('aria-pressed', 'true');
  expect(errors.list).toEqual([]);
});

test('*bold*, _italic_, ~strike~, `code` and code blocks show formatted, markers hidden, for both sides and while sending', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello there');
  const typed = 'Plan: *ship it* _today_ ~not tomorrow~ with `npm ci`, keep snake_case and 2*3*4\n```\nconst total = a * b;\n```';
  await send(alice, typed);
  for (const page of [alice.page, bob.page]) {
    const message = row(page, 'Plan:');
    await expect(message.locator('strong')).toHaveText('ship it');
    await expect(message.locator('em')).toHaveText('today');
    await expect(message.locator('s')).toHaveText('not tomorrow');
    await expect(message.locator('code:not([data-code-block])')).toHaveText('npm ci');
    await expect(message.locator('code[data-code-block]')).toHaveText('const total = a * b;');
    // The markers are gone; what is not formatting stays as typed.
    await expect(message.locator('p.whitespace-pre-wrap')).toContainText('Plan: ship it today not tomorrow with npm ci, keep snake_case and 2*3*4');
  }
  // A message still waiting to be sent looks the same as once sent.
  await alice.page.context().setOffline(true);
  await send(alice, 'waiting *in bold*');
  await expect(messages(alice.page).locator('[data-outbox] strong')).toHaveText('in bold');
  await alice.page.context().setOffline(false);
  await expect(row(bob.page, 'waiting').locator('strong')).toHaveText('in bold');
  expect(errors.list).toEqual([]);
});

test('on a phone, Enter in the message editor is a new line as in the message box, Save saves, and it counts down near the limit', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'shopping list');
  const message = await act(alice.page, 'shopping list', 'Edit');
  const editor = message.getByRole('textbox', { name: 'Edit message' });
  await editor.press('Enter');
  await editor.pressSequentially('milk');
  await expect(editor).toHaveValue('shopping list\nmilk');
  await editor.fill('x'.repeat(3_700));
  await expect(message.getByText('300 characters left')).toBeVisible();
  await editor.fill('x'.repeat(4_001));
  await expect(message.getByRole('alert')).toHaveText('Too long to send: 4,001 characters, at most 4,000. Shorten it or split it into several messages.');
  await editor.fill('shopping list\nmilk');
  await message.getByRole('button', { name: 'Save' }).tap();
  await expect(editor).toHaveCount(0);
  await expect(row(alice.page, 'milk')).toContainText('edited');
  expect(errors.list).toEqual([]);
});

// Long enough to scroll on a phone: the newest message sits just above the message box.
const fillScreen = async (user: { page: Page }, count: number) => {
  for (let index = 0; index < count; index++) await send(user, `line ${index}`);
};

test('on a phone, the menu of the newest message opens where all of it shows, not behind the message box', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await fillScreen(alice, 12);
  const newest = row(alice.page, 'line 11');
  await expect(newest).toBeInViewport();
  await newest.getByRole('button', { name: 'Message actions' }).tap();
  await expect(newest.getByRole('button', { name: 'Reply', exact: true })).toBeFocused();
  for (const name of ['Reply', 'React', 'Edit', 'Delete']) await expect(newest.getByRole('button', { name, exact: true }), name).toBeInViewport({ ratio: 1 });
  expect(errors.list).toEqual([]);
});

test('a reader at the bottom keeps the newest message wholly in view when a reaction or a longer edit makes it grow', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello there');
  await alice.page.setViewportSize(PHONE.viewport);
  await fillScreen(bob, 20);
  await expect(row(alice.page, 'line 19')).toBeInViewport({ ratio: 1 });

  await react(bob.page, 'line 19', 'party');
  const chip = row(alice.page, 'line 19').getByRole('button', { name: '🎉 1' });
  await expect(chip).toBeAttached();
  await expect(chip).toBeInViewport({ ratio: 1 });

  await edit(bob.page, 'line 19', 'line 19\nmore\nand more\nand more\nand the end');
  await expect(row(alice.page, 'and the end')).toContainText('(edited)');
  await expect(row(alice.page, 'and the end')).toBeInViewport({ ratio: 1 });
  expect(errors.list).toEqual([]);
});

test('on a phone, the controls of a reply, an edit, a delete, another emoji and a picked file are at least 24 px each way (WCAG 2.2 target size)', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await acceptedChat(browser, errors, 'hello there');
  await alice.page.setViewportSize(PHONE.viewport);
  await send(alice, 'mine');
  const small: string[] = [];
  const measure = async (label: string, control: ReturnType<Page['locator']>) => {
    const box = (await control.boundingBox())!;
    if (box.width < 24 || box.height < 24) small.push(`${label}: ${Math.round(box.width)}×${Math.round(box.height)}`);
  };
  await act(alice.page, 'hello there', 'Reply');
  await measure('Cancel reply', alice.page.getByRole('button', { name: 'Cancel reply' }));
  await alice.page.getByRole('button', { name: 'Cancel reply' }).click();
  let message = await act(alice.page, 'mine', 'Edit');
  await measure('Edit: Save', message.getByRole('button', { name: 'Save' }));
  await measure('Edit: Cancel', message.getByRole('button', { name: 'Cancel' }));
  await message.getByRole('button', { name: 'Cancel' }).click();
  message = await act(alice.page, 'mine', 'Delete');
  const confirm = message.getByRole('group', { name: 'Delete this message?' });
  await measure('Delete: Delete', confirm.getByRole('button', { name: 'Delete', exact: true }));
  await measure('Delete: Cancel', confirm.getByRole('button', { name: 'Cancel' }));
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  message = await act(alice.page, 'mine', 'React');
  await measure('Other emoji: React', message.getByRole('button', { name: 'React', exact: true }));
  await measure('Pick a reaction: Cancel', message.getByRole('group', { name: 'Pick a reaction' }).getByRole('button', { name: 'Cancel' }));
  await message.getByRole('group', { name: 'Pick a reaction' }).getByRole('button', { name: 'Cancel' }).click();
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
  await expect(alice.page.getByRole('list', { name: 'Files to send' })).toContainText('Ready');
  await measure('Remove a.txt', alice.page.getByRole('button', { name: 'Remove a.txt' }));
  expect(small).toEqual([]);
  expect(errors.list).toEqual([]);
});

// A touch screen has no hover to show it by, however wide (a tablet): only a mouse hides it until hovered.
test('the message actions button shows on a wide touch screen without hovering, and hides until hovered with a mouse', async ({ browser }) => {
  const errors = trackPageErrors();
  const tablet = await signUp(browser, 'alice', 'Alice', errors, { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });
  const desktop = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(tablet, desktop.handle);
  await send(tablet, 'on a tablet');
  const opacity = (page: Page) => row(page, 'on a tablet').getByRole('button', { name: 'Message actions' }).evaluate((element) => getComputedStyle(element).opacity);
  expect(await opacity(tablet.page)).toBe('1');
  await acceptRequest(desktop, 'Alice');
  await expect(row(desktop.page, 'on a tablet')).toBeVisible();
  await desktop.page.mouse.move(0, 0);
  expect(await opacity(desktop.page)).toBe('0');
  await row(desktop.page, 'on a tablet').hover();
  await expect.poll(() => opacity(desktop.page)).toBe('1');
  expect(errors.list).toEqual([]);
});

test('typing @ in a group suggests its other members; the keyboard picks one, and the message mentions them', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  expect((await alice.page.request.post('/api/v1/groups', { data: { name: 'Crew', members: [bob.handle, carol.handle] } })).status()).toBe(201);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  const options = suggestions(alice.page).getByRole('option');
  await box.pressSequentially('lunch @');
  await expect(options).toHaveText([new RegExp(`^Bob\\s*@${bob.handle}$`), new RegExp(`^Carol\\s*@${carol.handle}$`)]);
  await expect(box).toHaveAttribute('aria-activedescendant', (await options.first().getAttribute('id'))!);
  await box.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  const { violations } = await new AxeBuilder({ page: alice.page }).include('form').analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);

  // Enter writes the handle (it does not send), and the list goes.
  await box.press('Enter');
  await expect(box).toHaveValue(`lunch @${carol.handle} `);
  await expect(suggestions(alice.page)).toHaveCount(0);
  await box.pressSequentially('at noon');
  await box.press('Enter');
  const sent = row(alice.page, `lunch @${carol.handle} at noon`);
  await expect(sent.locator('mark')).toHaveText(`@${carol.handle}`);
  await expect(rooms(carol.page).getByRole('button', { name: /Crew/ }).getByText('1 mention', { exact: true })).toBeAttached();

  // Escape closes the list for this mention, typing on does not reopen it; the next @ does.
  await box.pressSequentially('@c');
  await expect(options).toHaveCount(1);
  await box.press('Escape');
  await expect(suggestions(alice.page)).toHaveCount(0);
  await box.pressSequentially('a');
  await expect(box).toHaveValue('@ca');
  await expect(box).not.toHaveAttribute('aria-activedescendant');
  await box.pressSequentially(' @b');
  await expect(options).toHaveText([new RegExp(`^Bob`)]);

  // The caret inside a handle already written in full: picking it moves past it, and typing goes on there.
  await box.fill(`hi @${bob.handle} there`);
  for (let step = 0; step < ' there'.length + 2; step++) await box.press('ArrowLeft');
  await expect(options).toHaveCount(1);
  await box.press('Enter');
  await expect(suggestions(alice.page)).toHaveCount(0);
  await box.pressSequentially('and ');
  await expect(box).toHaveValue(`hi @${bob.handle} and there`);
  await box.press('End');
  await box.pressSequentially('!');
  await expect(box).toHaveValue(`hi @${bob.handle} and there!`);
  expect(errors.list).toEqual([]);
});

test('in a group of 10 others, @ lists 8, and the one chosen with the arrows is always wholly in view', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, { viewport: { width: 1100, height: 520 } });
  const members = [];
  for (let index = 0; index < 10; index++) members.push(await apiUser(baseURL!, `m${index}`, `Member ${String(index).padStart(2, '0')}`));
  await groupWith(alice, 'Big', members);
  await rooms(alice.page).getByRole('button', { name: /Big/ }).click();
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially('@');
  const list = suggestions(alice.page);
  await expect(list.getByRole('option')).toHaveCount(8);
  const wholly = async (option: ReturnType<Page['locator']>) => {
    const [inner, outer] = await Promise.all([option.boundingBox(), list.boundingBox()]);
    return inner!.y >= outer!.y - 0.5 && inner!.y + inner!.height <= outer!.y + outer!.height + 0.5;
  };
  // Up from the first wraps to the last, then Down through them all.
  await box.press('ArrowUp');
  for (let step = 0; step < 9; step++) {
    const active = alice.page.locator(`#${await box.getAttribute('aria-activedescendant')}`);
    await expect(active).toHaveAttribute('aria-selected', 'true');
    expect(await wholly(active), `${await active.textContent()} wholly in view`).toBe(true);
    await box.press('ArrowDown');
  }
  expect(errors.list).toEqual([]);
});

test('a first message to someone new suggests them after @, as a conversation with them does', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const dan = await apiUser(baseURL!, 'dan', 'Dan');
  await openChatWith(alice, dan.handle);
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeEnabled();
  await box.pressSequentially('hey @d');
  await expect(suggestions(alice.page).getByRole('option')).toHaveText([new RegExp(`^Dan\\s*@${dan.handle}$`)]);
  expect(errors.list).toEqual([]);
});

test('on a phone, a tapped @ suggestion is written into the message box, which keeps the keyboard', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceOnPhoneAskedByBob(browser, errors);
  await acceptRequest(alice, 'Bob');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.tap();
  await box.pressSequentially('thanks @b');
  const bobOption = suggestions(alice.page).getByRole('option', { name: new RegExp(bob.handle) });
  await expect(bobOption).toBeInViewport({ ratio: 1 });
  await bobOption.tap();
  await expect(box).toHaveValue(`thanks @${bob.handle} `);
  await expect(box).toBeFocused();
  await expect(suggestions(alice.page)).toHaveCount(0);
  await box.pressSequentially('see you');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).tap();
  await expect(row(bob.page, `thanks @${bob.handle} see you`).locator('mark[data-mention="me"]')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('the message editor suggests people after @ too, in a list below it that shows whole even under the newest message; Escape closes the list, not the editor', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, { viewport: { width: 1100, height: 520 } });
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const roomId = await groupWith(alice, 'Crew', [bob, carol]);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  // Enough to fill the view: the message edited is the newest, at the bottom of the messages.
  for (const text of ['one', 'two', 'three', 'four', 'lunch at noon']) await send(alice, text);
  const message = await act(alice.page, 'lunch at noon', 'Edit');
  const editor = message.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  await editor.press('End');
  // The list opens whole, below the bottom of the messages as they were.
  await editor.pressSequentially(' with @');
  const options = suggestions(alice.page).getByRole('option');
  await expect(options).toHaveCount(2);
  for (const option of await options.all()) await expect(option).toBeInViewport({ ratio: 1 });
  await editor.pressSequentially('c');
  await expect(options).toHaveText([new RegExp(`^Carol\\s*@${carol.handle}$`)]);
  await expect(options.first()).toBeInViewport({ ratio: 1 });
  await expect(editor).toHaveAttribute('aria-activedescendant', (await options.first().getAttribute('id'))!);
  // Only the editor's list: the message box below shows none.
  await expect(suggestions(alice.page)).toHaveCount(1);
  const { violations } = await new AxeBuilder({ page: alice.page }).include('li[data-seq] form').analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);

  // Escape closes the list and leaves the editor open with its text.
  await editor.press('Escape');
  await expect(suggestions(alice.page)).toHaveCount(0);
  await expect(editor).toHaveValue('lunch at noon with @c');
  // The mention written again: the list opens again, and Enter writes the handle without saving.
  await editor.press('Backspace');
  await editor.press('Backspace');
  await editor.pressSequentially('@c');
  await expect(options).toHaveCount(1);
  await editor.press('Enter');
  await expect(editor).toHaveValue(`lunch at noon with @${carol.handle} `);
  await expect(suggestions(alice.page)).toHaveCount(0);
  await editor.press('Enter');
  const edited = row(alice.page, `lunch at noon with @${carol.handle}`);
  await expect(edited.locator('mark')).toHaveText(`@${carol.handle}`);
  await expect(message.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);
  // Edited in, the mention counts for Carol as a sent one does.
  await expect
    .poll(async () => ((await (await carol.api.get('/api/v1/rooms')).json()).rooms as { id: string; mentions?: number }[]).find((room) => room.id === roomId)?.mentions)
    .toBe(1);
  expect(errors.list).toEqual([]);
});

test('taking back a reaction from the keyboard moves focus to the next one, and from the last to the message’s actions button, never to <body>', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  await groupWith(alice, 'Crew', [await apiUser(baseURL!, 'bob', 'Bob')]);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  await send(alice, 'party tonight?');
  const message = row(alice.page, 'party tonight?');
  for (const emoji of ['party', 'thumbs up']) {
    await message.getByRole('button', { name: 'Message actions' }).click();
    await message.getByRole('button', { name: 'React', exact: true }).click();
    await message.getByRole('button', { name: `React with ${emoji}` }).press('Enter');
  }
  const reactions = message.getByRole('group', { name: 'Reactions' }).getByRole('button');
  await expect(reactions).toHaveCount(2);
  await reactions.first().press('Enter');
  await expect(reactions).toHaveCount(1);
  await expect(reactions.first()).toBeFocused();
  await reactions.first().press('Enter');
  await expect(message.getByRole('group', { name: 'Reactions' })).toHaveCount(0);
  await expect(message.getByRole('button', { name: 'Message actions' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('the person chosen in the @ list stays chosen when someone else leaves the group while it is open', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const roomId = await groupWith(alice, 'Crew', [bob, carol, await apiUser(baseURL!, 'dave', 'Dave')]);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  const options = suggestions(alice.page).getByRole('option');
  await box.pressSequentially('hi @');
  await expect(options).toHaveCount(3);
  await box.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(options.nth(1)).toContainText('Carol');

  // Bob, listed above her, leaves: Carol is still the one chosen, and Enter writes her handle.
  expect((await bob.api.delete(`/api/v1/groups/${roomId}/users/${bob.handle}`)).ok()).toBe(true);
  await expect(options).toHaveCount(2);
  await expect(options.filter({ hasText: 'Carol' })).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(box).toHaveValue(`hi @${carol.handle} `);
  expect(errors.list).toEqual([]);
});

test('"React with 👍" in a picker opened before the same 👍 came from another device keeps it: the picker gives, only the chip takes back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'thumbs please');
  const { page: bobPhone } = await anotherDevice(browser, bob.handle, errors);
  await rooms(bobPhone).getByRole('button', { name: /Alice/ }).click();

  await act(bob.page, 'thumbs please', 'React');
  await react(bobPhone, 'thumbs please', 'thumbs up');
  const chips = (page: Page) => row(page, 'thumbs please').getByRole('group', { name: 'Reactions' }).getByRole('button');
  await expect(chips(bob.page)).toHaveText(['👍 1']);
  await row(bob.page, 'thumbs please').getByRole('button', { name: 'React with thumbs up' }).click();
  // A sentinel from the phone: once Alice has it, anything the laptop sent has come too.
  await react(bobPhone, 'thumbs please', 'heart');
  await expect(chips(alice.page)).toHaveText(['👍 1', '❤️ 1']);
  await expect(chips(bob.page)).toHaveText(['👍 1', '❤️ 1']);
  expect(errors.list).toEqual([]);
});

test('a message deleted elsewhere while focus is in it (a reaction being picked, an edit on another device) keeps focus on it, not on the page', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'soon gone');
  await send(alice, 'also gone');
  await expect(row(bob.page, 'also gone')).toBeVisible();

  // Bob is picking a reaction to Alice's message when she deletes it.
  await act(bob.page, 'soon gone', 'React');
  await expect(row(bob.page, 'soon gone').getByRole('button', { name: 'React with thumbs up' })).toBeFocused();
  const picked = (await row(bob.page, 'soon gone').getAttribute('data-seq'))!;
  await remove(alice.page, 'soon gone');
  await expect(rowAt(bob.page, picked)).toContainText('Message deleted');
  await expect(rowAt(bob.page, picked)).toBeFocused();

  // Alice has opened the editor on her laptop, not yet changed anything, when she deletes it from her phone.
  const { page: alicePhone } = await anotherDevice(browser, alice.handle, errors, PHONE);
  await rooms(alicePhone).getByRole('button', { name: /Bob/ }).click();
  const editing = await act(alice.page, 'also gone', 'Edit');
  await expect(editing.getByRole('textbox', { name: 'Edit message' })).toBeFocused();
  const edited = (await editing.getAttribute('data-seq'))!;
  await remove(alicePhone, 'also gone');
  await expect(rowAt(alice.page, edited)).toContainText('Message deleted');
  await expect(rowAt(alice.page, edited)).toBeFocused();
  await expect(rowAt(alice.page, edited).getByRole('textbox')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('an edit being written when the message is deleted on another device keeps its text to copy, says why it cannot be saved, even after a reload', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'first draft');
  const { page: alicePhone } = await anotherDevice(browser, alice.handle, errors, PHONE);
  await rooms(alicePhone).getByRole('button', { name: /Bob/ }).click();
  const editing = await act(alice.page, 'first draft', 'Edit');
  const seq = (await editing.getAttribute('data-seq'))!;
  await editing.getByRole('textbox', { name: 'Edit message' }).fill('a long and careful rewording');
  await remove(alicePhone, 'first draft');
  await expect(rowAt(bob.page, seq)).toContainText('Message deleted');

  const message = rowAt(alice.page, seq);
  await expect(message).toContainText('Message deleted');
  await expect(message.getByRole('alert')).toHaveText('This message was deleted, so this edit cannot be saved. Copy your text if you want to keep it.');
  const text = message.getByRole('textbox', { name: 'Edit message' });
  await expect(text).toHaveValue('a long and careful rewording');
  await expect(text).toBeFocused();
  await expect(text).not.toBeEditable();
  await expect(message.getByRole('button', { name: 'Save' })).toHaveCount(0);

  await alice.page.reload();
  await expect(text).toHaveValue('a long and careful rewording');
  await text.focus();
  await message.getByRole('button', { name: 'Close' }).click();
  await expect(message.getByRole('textbox')).toHaveCount(0);
  await expect(message).toBeFocused();
  // Closed is closed: a reload does not bring it back.
  await alice.page.reload();
  await expect(message).toContainText('Message deleted');
  await expect(message.getByRole('textbox')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('the reaction picker moves with the arrow keys, Home and End as a row of buttons does, and the arrows still move the caret in "Other emoji"', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'arrow me');
  const message = row(bob.page, 'arrow me');
  await message.getByRole('button', { name: 'Message actions' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(message.getByRole('button', { name: 'Reply', exact: true })).toBeFocused();
  await bob.page.keyboard.press('ArrowDown');
  await expect(message.getByRole('button', { name: 'React', exact: true })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  const picker = message.getByRole('group', { name: 'Pick a reaction' });
  await expect(picker.getByRole('button', { name: 'React with thumbs up' })).toBeFocused();
  await bob.page.keyboard.press('ArrowRight');
  await expect(picker.getByRole('button', { name: 'React with heart' })).toBeFocused();
  await bob.page.keyboard.press('ArrowLeft');
  await bob.page.keyboard.press('ArrowLeft');
  await expect(picker.getByRole('button', { name: 'React with party' })).toBeFocused();
  await bob.page.keyboard.press('Home');
  await expect(picker.getByRole('button', { name: 'React with thumbs up' })).toBeFocused();
  await bob.page.keyboard.press('End');
  await expect(picker.getByRole('button', { name: 'React with party' })).toBeFocused();
  await bob.page.keyboard.press('ArrowLeft');
  await expect(picker.getByRole('button', { name: 'React with sad' })).toBeFocused();

  const other = picker.getByRole('textbox', { name: 'Other emoji' });
  await other.fill('🙂');
  await bob.page.keyboard.press('ArrowLeft');
  await expect(other).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(row(alice.page, 'arrow me').getByRole('group', { name: 'Reactions' }).getByRole('button')).toHaveText(['🙂 1']);
  expect(errors.list).toEqual([]);
});

test('right-to-left text (Arabic, Hebrew) is written and shown right to left, its punctuation at its end on the left', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.fill('שלום!');
  expect(await box.evaluate((element) => element.matches(':dir(rtl)'))).toBe(true);
  await box.fill('');
  await send(alice, 'مرحبا بك!');
  const text = bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').getByText('مرحبا بك!');
  await expect(text).toBeVisible();
  expect(await text.evaluate((element) => element.matches(':dir(rtl)'))).toBe(true);
  const [bang, first] = await text.evaluate((element) => {
    const node = [...element.childNodes].find((child) => child.nodeType === Node.TEXT_NODE) ?? element.firstChild!;
    const leftOf = (index: number) => {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      return range.getBoundingClientRect().x;
    };
    return [leftOf((node.textContent ?? '').length - 1), leftOf(0)];
  });
  expect(bang).toBeLessThan(first);
  expect(errors.list).toEqual([]);
});
