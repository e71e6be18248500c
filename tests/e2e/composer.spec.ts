import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, aliceOnPhoneAskedByBob, apiUser, groupWith, openChatWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const row = (page: Page, text: string) => messages(page).locator('li[data-seq]').filter({ has: page.locator('p.whitespace-pre-wrap', { hasText: text }) });
const filesToSend = (page: Page) => page.getByRole('list', { name: 'Files to send' });
const attachments = '**/api/v1/rooms/*/attachments';

test('a file that failed to upload is tried again by Send; failing again, it holds the message until retried, then goes with it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'files follow');
  // The first two tries lose the connection; the third gets through.
  let tries = 0;
  await alice.page.route(attachments, (route) => (tries++ < 2 ? route.abort('internetdisconnected') : route.continue()));

  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('the report') });
  await expect(filesToSend(alice.page).getByRole('alert')).toHaveText('Upload failed: no connection to the server');
  const message = alice.page.getByRole('textbox', { name: 'Message' });
  await message.fill('caption with the report');
  await message.press('Enter');
  // Send tried the file again (the second try), which failed too: held, and the composer says why; the caption and the file stay.
  await expect.poll(() => tries).toBe(2);
  await expect(alice.page.getByText('A file did not upload: retry it or remove it.')).toBeVisible();
  await expect(message).toHaveValue('caption with the report');
  await expect(filesToSend(alice.page)).toContainText('report.txt');

  await alice.page.getByRole('button', { name: 'Retry report.txt' }).click();
  await expect(filesToSend(alice.page)).toContainText('Ready');
  // Said to screen readers too: the row's "Ready" is not read by itself.
  await expect(alice.page.getByRole('status').filter({ hasText: 'report.txt is ready to send.' })).toBeAttached();
  await expect(alice.page.getByText('A file did not upload: retry it or remove it.')).toHaveCount(0);
  await message.press('Enter');
  // One message, caption and file together (the caption was never sent alone).
  await expect(row(bob.page, 'caption with the report')).toContainText('report.txt');
  await expect(row(bob.page, 'caption with the report')).toHaveCount(1);
  await expect(filesToSend(alice.page)).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('offline, a file that could not upload and the message sent with it go by themselves once the connection is back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'offline files');
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('offline notes') });
  await expect(filesToSend(alice.page).getByRole('alert')).toHaveText('Upload failed: no connection to the server');
  const message = alice.page.getByRole('textbox', { name: 'Message' });
  await message.fill('written on the train');
  await message.press('Enter');
  await expect(alice.page.getByText('Sending once the connection is back and the files are uploaded…')).toBeVisible();

  await alice.page.context().setOffline(false);
  await expect(row(bob.page, 'written on the train')).toContainText('notes.txt', { timeout: 30_000 });
  await expect(row(bob.page, 'written on the train')).toHaveCount(1);
  await expect(filesToSend(alice.page)).toHaveCount(0);
  await expect(message).toHaveValue('');
  expect(errors.list).toEqual([]);
});

test('picking more files than a message may carry says how many were left out', async ({ browser }) => {
  const errors = trackPageErrors();
  // Bob, whom Alice knows, is in the group from the start (a group of one is closed: nothing can be sent to it).
  const { alice, bob } = await acceptedChat(browser, errors, 'a group next');
  expect((await alice.page.request.post('/api/v1/groups', { data: { name: 'Many files', members: [bob.handle] } })).status()).toBe(201);
  await alice.page.reload();
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Many files/ }).click();

  const files = Array.from({ length: 12 }, (_, index) => ({ name: `file-${index + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`file ${index + 1}`) }));
  await alice.page.getByLabel('Attach file').setInputFiles(files);
  await expect(alice.page.getByText('At most 10 files per message: 2 were not added.')).toBeVisible();
  await expect(filesToSend(alice.page).getByRole('listitem')).toHaveCount(10);
  expect(errors.list).toEqual([]);
});

test('Enter while a file is uploading sends the message once the upload is done; editing cancels that', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'slow files follow');
  // Each upload waits until the test lets it through.
  let release = () => {};
  await alice.page.route(attachments, async (route) => {
    await new Promise<void>((resolve) => (release = resolve));
    await route.continue();
  });
  const message = alice.page.getByRole('textbox', { name: 'Message' });
  const hint = alice.page.getByText('Sending once the files are uploaded…');

  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'slow.txt', mimeType: 'text/plain', buffer: Buffer.from('slow') });
  await expect(alice.page.getByRole('progressbar', { name: 'Uploading slow.txt' })).toBeVisible();
  await message.fill('sent when uploaded');
  await message.press('Enter');
  await expect(hint).toBeVisible();
  release();
  await expect(row(bob.page, 'sent when uploaded')).toContainText('slow.txt');
  await expect(message).toHaveValue('');
  await expect(filesToSend(alice.page)).toHaveCount(0);
  await expect(hint).toHaveCount(0);

  // Editing the text after pressing Enter takes the send back: it waits for another press.
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from('second') });
  await expect(alice.page.getByRole('progressbar', { name: 'Uploading second.txt' })).toBeVisible();
  await message.fill('first thought');
  await message.press('Enter');
  await expect(hint).toBeVisible();
  await message.fill('second thought');
  await expect(hint).toHaveCount(0);
  release();
  await expect(filesToSend(alice.page)).toContainText('Ready');
  await expect(message).toHaveValue('second thought');
  await message.press('Enter');
  await expect(row(bob.page, 'second thought')).toContainText('second.txt');
  // "first thought" was never sent: the message after it is the last one Bob has.
  await expect(messages(bob.page).locator('li[data-seq]').last()).toContainText('second thought');
  await expect(row(bob.page, 'first thought')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('an uploaded file waits in its conversation across a switch and a reload, as the text does, until sent', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'a plan follows');
  expect((await alice.page.request.post('/api/v1/groups', { data: { name: 'Elsewhere', members: [bob.handle] } })).status()).toBe(201);
  const recent = alice.page.getByRole('list', { name: 'Recent conversations' });
  const message = alice.page.getByRole('textbox', { name: 'Message' });

  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from('the plan') });
  await expect(filesToSend(alice.page).getByRole('listitem').filter({ hasText: 'plan.txt' })).toContainText('Ready');
  await message.fill('here is the plan');

  // Another conversation has files of its own (none); coming back finds the file as it was left.
  await recent.getByRole('button', { name: /Elsewhere/ }).click();
  await expect(alice.page.getByRole('heading', { name: 'Elsewhere' })).toBeVisible();
  await expect(filesToSend(alice.page)).toHaveCount(0);
  await recent.getByRole('button', { name: /a plan follows/ }).click();
  await expect(filesToSend(alice.page).getByRole('listitem').filter({ hasText: 'plan.txt' })).toContainText('Ready');

  await alice.page.reload();
  await expect(message).toHaveValue('here is the plan');
  await expect(filesToSend(alice.page).getByRole('listitem').filter({ hasText: 'plan.txt' })).toContainText('Ready');
  await message.press('Enter');
  await expect(row(bob.page, 'here is the plan')).toContainText('plan.txt');

  // Sent, it is no longer waiting, here or after a reload.
  await expect(filesToSend(alice.page)).toHaveCount(0);
  await alice.page.reload();
  await expect(message).toHaveValue('');
  await expect(row(alice.page, 'here is the plan')).toContainText('plan.txt');
  await expect(filesToSend(alice.page)).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a file pasted into the message box or dropped on the page is attached as a picked one is', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'files by hand');
  const message = alice.page.getByRole('textbox', { name: 'Message' });
  const address = alice.page.url();

  // A screenshot pasted from the clipboard.
  await message.evaluate((box) => {
    const clipboard = new DataTransfer();
    clipboard.items.add(new File(['pasted bytes'], 'pasted.txt', { type: 'text/plain' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
  });
  await expect(filesToSend(alice.page).getByRole('listitem').filter({ hasText: 'pasted.txt' })).toContainText('Ready');

  // A file dragged from the desktop onto the conversation: the page says where it goes, and takes it
  // rather than letting the browser open the file in place of the chat.
  const list = messages(alice.page);
  const dragged = await alice.page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    return transfer;
  });
  await list.dispatchEvent('dragover', { dataTransfer: dragged });
  await expect(alice.page.getByText('Drop files to attach them to this message')).toBeVisible();
  const browserWouldOpenIt = await list.evaluate((element, transfer) => element.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true })), dragged);
  expect(browserWouldOpenIt).toBe(false);
  await expect(alice.page.getByText('Drop files to attach them to this message')).toHaveCount(0);
  await expect(filesToSend(alice.page).getByRole('listitem').filter({ hasText: 'dropped.txt' })).toContainText('Ready');

  await message.fill('two files by hand');
  await message.press('Enter');
  await expect(row(bob.page, 'two files by hand')).toContainText('pasted.txt');
  await expect(row(bob.page, 'two files by hand')).toContainText('dropped.txt');
  expect(alice.page.url()).toBe(address);
  expect(errors.list).toEqual([]);
});

test('initials take whole characters: a second word starting with an emoji shows the emoji, not half of it', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice 🌸 Liddell', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(bob, alice.handle);
  const header = bob.page.locator('header', { has: bob.page.getByRole('heading', { name: 'Alice 🌸 Liddell' }) });
  const initials = header.locator('span[aria-hidden="true"]').first();
  await expect(initials).toHaveText('A🌸');
  // No lone surrogate (half of a character) anywhere in it.
  expect(await initials.evaluate((element) => element.textContent!.isWellFormed())).toBe(true);
  expect(errors.list).toEqual([]);
});

test('text over the length limit stays whole in the box, says why it cannot go, and goes once shortened; invisible-only text is not sent', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'long ones follow');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  const pasted = `${'x'.repeat(5_997)} END`;
  await box.fill(pasted);
  await expect(box).toHaveValue(pasted);
  const tooLong = alice.page.getByRole('alert').filter({ hasText: 'Too long to send: 6,001 characters, at most 4,000.' });
  await expect(tooLong).toBeVisible();
  await box.press('Enter');
  await expect(box).toHaveValue(pasted);
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0);

  // Near the limit, it counts down; within it, it goes.
  await box.fill(`${'y'.repeat(3_990)} fits`);
  await expect(tooLong).toHaveCount(0);
  await expect(alice.page.getByText('5 characters left')).toBeVisible();
  await box.press('Enter');
  await expect(row(bob.page, 'fits')).toHaveCount(1);

  // Only zero-width characters: nothing goes (the next message is the sentinel).
  await box.fill('\u200B\u200B');
  await box.press('Enter');
  await box.fill('after the invisible one');
  await box.press('Enter');
  await expect(row(bob.page, 'after the invisible one')).toBeVisible();
  await expect(messages(bob.page).locator('li[data-seq]')).toHaveCount(3);
  await expect(messages(alice.page).locator('[data-outbox]')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('on a phone, tapping Send keeps the message box focused, so the keyboard stays up for the next message', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceOnPhoneAskedByBob(browser, errors, 'hi on your phone');
  await acceptRequest(alice, 'Bob');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  for (const text of ['first from the phone', 'second from the phone']) {
    await box.tap();
    await box.fill(text);
    await alice.page.getByRole('button', { name: 'Send', exact: true }).tap();
    await expect(row(alice.page, text)).toBeVisible();
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('');
  }
  expect(errors.list).toEqual([]);
});

test('files picked together are listed and sent in the order picked, whichever finishes uploading first', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'in order');
  // The first file's upload is held until the second's has finished.
  let secondDone!: () => void;
  const second = new Promise<void>((resolve) => (secondDone = resolve));
  await alice.page.route(attachments, async (route) => {
    if (route.request().postDataBuffer()?.includes('first.txt')) {
      await second;
      return route.continue();
    }
    await route.fulfill({ response: await route.fetch() });
    secondDone();
  });
  await alice.page.getByLabel('Attach file').setInputFiles([
    { name: 'first.txt', mimeType: 'text/plain', buffer: Buffer.from('one') },
    { name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from('two') },
  ]);
  await expect(filesToSend(alice.page).getByText('Ready')).toHaveCount(2);
  await expect(filesToSend(alice.page).getByRole('listitem')).toHaveText([/first\.txt/, /second\.txt/]);
  const message = alice.page.getByRole('textbox', { name: 'Message' });
  await message.fill('two files');
  await message.press('Enter');
  const downloads = row(bob.page, 'two files').getByRole('link', { name: /^Download / });
  await expect(downloads).toHaveCount(2);
  await expect(downloads.nth(0)).toHaveAccessibleName('Download first.txt');
  await expect(downloads.nth(1)).toHaveAccessibleName('Download second.txt');
  expect(errors.list).toEqual([]);
});

/** Alice alone in a browser, in a group with Bob (an API user), its message box ready. */
async function aliceInGroup(browser: Parameters<typeof signUp>[0], baseURL: string, errors: ReturnType<typeof trackPageErrors>) {
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  await groupWith(alice, 'Crew', [await apiUser(baseURL, 'bob', 'Bob')]);
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Crew/ }).click();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  return alice;
}

test('Remove, Retry and "Don\'t send yet" under the message box, pressed from the keyboard, leave focus on what is there instead, never <body>', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await aliceInGroup(browser, baseURL!, errors);
  const page = alice.page;
  const box = page.getByRole('textbox', { name: 'Message' });
  // Remove: the next file's Remove takes focus; the last one's gives it to the message box.
  await page.getByLabel('Attach file').setInputFiles([
    { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('first') },
    { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('second') },
  ]);
  await expect(filesToSend(page).getByText('Ready')).toHaveCount(2);
  await page.getByRole('button', { name: 'Remove a.txt' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Remove b.txt' })).toBeFocused();
  await page.getByRole('button', { name: 'Remove b.txt' }).press('Enter');
  await expect(filesToSend(page)).toHaveCount(0);
  await expect(box).toBeFocused();

  // Retry turns into a progress bar: focus goes to the file's Remove.
  let failOnce = true;
  await page.route(attachments, async (route) => {
    if (failOnce) {
      failOnce = false;
      return route.abort('internetdisconnected');
    }
    await route.continue();
  });
  await page.getByLabel('Attach file').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('the report') });
  await page.getByRole('button', { name: 'Retry report.txt' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Remove report.txt' })).toBeFocused();
  await expect(filesToSend(page).getByText('Ready')).toHaveCount(1);
  await page.getByRole('button', { name: 'Remove report.txt' }).press('Enter');

  // "Don't send yet" goes with the wait it stops: back to the message box.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.unroute(attachments);
  await page.route(attachments, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByLabel('Attach file').setInputFiles({ name: 'slow.txt', mimeType: 'text/plain', buffer: Buffer.from('slow') });
  await box.fill('with the slow file');
  await box.press('Enter');
  await page.getByRole('button', { name: "Don't send yet" }).press('Enter');
  await expect(page.getByRole('button', { name: "Don't send yet" })).toHaveCount(0);
  await expect(box).toBeFocused();
  release();
  await expect(filesToSend(page).getByText('Ready')).toHaveCount(1);
  await expect(box).toHaveValue('with the slow file');
  expect(errors.list).toEqual([]);
});

test('files the server would refuse (kept past their expiry, or more than a message holds) hold the message with words saying why, until removed', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'old files');
  const page = alice.page;
  const box = page.getByRole('textbox', { name: 'Message' });
  await page.getByLabel('Attach file').setInputFiles([
    { name: 'old.txt', mimeType: 'text/plain', buffer: Buffer.from('old') },
    { name: 'fresh.txt', mimeType: 'text/plain', buffer: Buffer.from('fresh') },
  ]);
  await expect(filesToSend(page).getByText('Ready')).toHaveCount(2);
  type Stored = { id: string; name: string; size: number; contentType: string; expiresAt?: string };
  const draftFiles = () =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((name) => name.startsWith('relay:draft-files:'))!;
      return { key, files: JSON.parse(localStorage.getItem(key)!) as Stored[] };
    });
  const { key, files } = await draftFiles();
  // The draft knows when the server deletes each unsent upload (a day after it, by default).
  for (const file of files) expect(Date.parse(file.expiresAt!) - Date.now()).toBeGreaterThan(23 * 3_600_000);
  const setDraftFiles = async (list: Stored[]) => {
    await page.evaluate(([name, value]) => localStorage.setItem(name, value), [key, JSON.stringify(list)] as const);
    await page.reload();
    await expect(box).toBeEnabled();
  };

  // A day later, as far as old.txt goes.
  await setDraftFiles(files.map((file) => (file.name === 'old.txt' ? { ...file, expiresAt: new Date(Date.now() - 1000).toISOString() } : file)));
  await expect(filesToSend(page).getByRole('listitem').filter({ hasText: 'old.txt' })).toContainText('Expired');
  await box.fill('with the files');
  await box.press('Enter');
  await expect(page.getByText('A file waited too long to be sent and is gone from the server: remove it and attach again to send.')).toBeVisible();
  // Not sent: the words stay in the box.
  await expect(box).toHaveValue('with the files');
  await page.getByRole('button', { name: 'Remove old.txt' }).click();
  await expect(page.getByText(/waited too long/)).toHaveCount(0);
  await box.press('Enter');
  await expect(row(bob.page, 'with the files')).toContainText('fresh.txt');
  await expect(row(bob.page, 'with the files')).not.toContainText('old.txt');
  await expect(row(bob.page, 'with the files')).toHaveCount(1);

  // Eleven files in the draft (two tabs each added some at once): more than a message holds.
  const eleven = Array.from({ length: 11 }, (_, index) => ({ id: `f${index}`, name: `f${index}.txt`, size: 1, contentType: 'text/plain', expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
  await setDraftFiles(eleven);
  await expect(filesToSend(page).getByText('Ready')).toHaveCount(11);
  await box.fill('eleven files');
  await box.press('Enter');
  await expect(page.getByText('At most 10 files per message: remove 1 to send.')).toBeVisible();
  await expect(box).toHaveValue('eleven files');
  await page.getByRole('button', { name: 'Remove f10.txt' }).click();
  await expect(page.getByText(/At most 10 files per message/)).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('files are listed in the order picked while they upload: a row stays in its place when its upload finishes', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await acceptedChat(browser, errors, 'files follow');
  const page = alice.page;
  // The first file's upload waits until let go; the others go through at once.
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  let uploads = 0;
  await page.route(attachments, async (route) => {
    if (uploads++ === 0) await held;
    await route.continue();
  });
  const file = (name: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`the ${name}`) });
  await page.getByLabel('Attach file').setInputFiles([file('first.txt'), file('second.txt'), file('third.txt')]);
  const rows = filesToSend(page).getByRole('listitem');
  await expect(rows.nth(1)).toContainText('Ready');
  await expect(rows.nth(2)).toContainText('Ready');
  await expect(rows).toHaveText([/^first\.txt/, /^second\.txt/, /^third\.txt/]);
  await expect(rows.nth(0).getByRole('progressbar', { name: 'Uploading first.txt' })).toBeVisible();
  // Focus on the waiting file's Remove: when it is done, focus is on its Remove still, in the same place.
  await rows.nth(0).getByRole('button', { name: 'Remove first.txt' }).focus();
  letGo();
  await expect(rows.nth(0)).toContainText('Ready');
  await expect(rows).toHaveText([/^first\.txt/, /^second\.txt/, /^third\.txt/]);
  await expect(rows.nth(0).getByRole('button', { name: 'Remove first.txt' })).toBeFocused();
  expect(errors.list).toEqual([]);
});
