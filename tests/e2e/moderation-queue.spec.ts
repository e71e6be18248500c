import sharp from 'sharp';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, expectNoHorizontalScroll, grantAdmin, openChatWith, PHONE, postMessages, reportMessage, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const openReports = (page: Page) => page.getByRole('list', { name: 'Open reports' });

test('a busy day: past the first 100 open reports the queue says how many more there are, and shows them', async ({ browser }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const roomId = await roomIdWith(bob, alice.handle);
  await alice.page.goto('/settings');
  await bob.page.goto('/settings');
  const bodies = Array.from({ length: 105 }, (_, index) => `spam ${index} from ${bob.handle}`);
  await postMessages(bob, roomId, bodies);
  const { messages } = await (await alice.page.request.get(`/api/v1/rooms/${roomId}/messages?limit=200`)).json();
  for (const [index, body] of bodies.entries()) {
    const messageId = messages.find((message: { body: string }) => message.body === body).id;
    expect((await alice.page.request.post('/api/v1/reports', { data: { messageId, reason: `report ${index} by ${alice.handle}` } })).status()).toBe(201);
  }

  await mod.page.goto('/admin');
  const reports = mod.page.getByRole('region', { name: 'Reports' });
  await expect(openReports(mod.page).getByRole('listitem').filter({ hasText: `report 0 by ${alice.handle}` })).toHaveCount(1);
  await expect(openReports(mod.page).getByRole('listitem').filter({ hasText: `report 104 by ${alice.handle}` })).toHaveCount(0);
  await expect(reports).toContainText(/Showing the oldest 100 of \d+ open reports\./);
  await reports.getByRole('button', { name: /^Show \d+ more$/ }).click();
  await expect(openReports(mod.page).getByRole('listitem').filter({ hasText: `report 104 by ${alice.handle}` })).toHaveCount(1);
  await expect(reports.getByText(/Showing the oldest/)).toHaveCount(0);

  // Banning the spammer from the newest report closes all of theirs (and leaves the queue to other tests).
  const newest = openReports(mod.page).getByRole('listitem').filter({ hasText: `report 104 by ${alice.handle}` });
  await newest.getByLabel('Reason').fill('spam run');
  await newest.getByRole('button', { name: `Ban @${bob.handle}` }).click();
  await expect(openReports(mod.page).getByRole('listitem').filter({ hasText: `by ${alice.handle}` })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a report of an admin’s message offers no ban or suspension, and a refused action keeps the reason typed', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const text = `a message by ${alice.handle}`;
  await send(alice, text);
  await reportMessage(bob.page, text, `reporting ${text}`);
  await mod.page.goto('/admin');
  const item = openReports(mod.page).getByRole('listitem').filter({ hasText: `reporting ${text}` });
  await expect(item.getByRole('button', { name: `Ban @${alice.handle}` })).toBeVisible();

  // She is made an admin while the page is open: the ban is refused, the reason kept to act otherwise.
  await grantAdmin(alice.handle);
  await item.getByLabel('Reason').fill('abusing powers');
  await item.getByRole('button', { name: `Ban @${alice.handle}` }).click();
  await expect(mod.page.getByRole('region', { name: 'Reports' }).getByRole('alert')).toContainText('Admins cannot be suspended or banned');
  await expect(item.getByLabel('Reason')).toHaveValue('abusing powers');
  await expect(alice.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // Reloaded, the report knows she is an admin: no buttons that could only be refused.
  await mod.page.reload();
  await expect(item.getByRole('status')).toHaveText(`@${alice.handle} is an admin: admins cannot be suspended or banned.`);
  await expect(item.getByRole('button', { name: `Ban @${alice.handle}` })).toHaveCount(0);
  await expect(item.getByRole('button', { name: `Suspend @${alice.handle} for a day` })).toHaveCount(0);
  await item.getByLabel('Reason').fill('fine after all');
  await item.getByRole('button', { name: 'Dismiss' }).click();
  await expect(item).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('on a phone every action of a report is on screen, long words and all', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors, PHONE);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const text = `please stop writing to me ${alice.handle} ${'x'.repeat(120)}`;
  await send(alice, text);
  await reportMessage(bob.page, text, `unwanted ${'y'.repeat(120)}`);
  await mod.page.goto('/admin');
  const item = openReports(mod.page).locator(':scope > li').filter({ hasText: `please stop writing to me ${alice.handle}` });
  await expect(item).toHaveCount(1);
  await expectNoHorizontalScroll(mod.page);
  const width = mod.page.viewportSize()!.width;
  for (const name of ['Delete message', `Ban @${alice.handle}`, `Suspend @${alice.handle} for a day`, 'Dismiss']) {
    const box = (await item.getByRole('button', { name }).boundingBox())!;
    expect(box.x + box.width, name).toBeLessThanOrEqual(width);
  }
  const card = (await item.boundingBox())!;
  expect(card.x + card.width).toBeLessThanOrEqual(width);
  await item.getByRole('button', { name: 'Dismiss' }).click();
  await expect(item).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('the moderator sees, and can open, the files they decide on: a reported picture sent without text, a held message’s file', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
  const picture = `offensive-${alice.handle}.png`;
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  await alice.page.getByLabel('Attach file').setInputFiles({ name: picture, mimeType: 'image/png', buffer: png });
  await expect(alice.page.getByRole('list', { name: 'Files to send' })).toContainText('Ready');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  const reported = messages(bob.page).locator('li[data-seq]').filter({ has: bob.page.getByRole('img', { name: picture }) });
  await reported.getByRole('button', { name: 'Message actions' }).click();
  await reported.getByRole('button', { name: 'Report message' }).click();
  await reported.getByLabel('Reason for reporting').fill(`nasty picture ${alice.handle}`);
  await reported.getByRole('button', { name: 'Send report' }).click();
  await expect(reported).toContainText('Reported');

  await mod.page.goto('/admin');
  const report = openReports(mod.page).getByRole('listitem').filter({ hasText: `nasty picture ${alice.handle}` });
  // The picture itself, fetched by a moderator who is not in the conversation.
  const shown = report.getByRole('img', { name: picture });
  await expect(shown).toBeVisible();
  // Pictures load as they come into view: other open reports (of other tests) may list before this one.
  await shown.scrollIntoViewIfNeeded();
  await expect.poll(() => shown.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth)).toBeGreaterThan(0);
  await report.getByRole('button', { name: 'Dismiss' }).click();
  await expect(report).toHaveCount(0);

  // A first message whose link is held (the e2e server holds a fourth link an hour in a message request), with a file.
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(alice, carol.handle);
  await send(alice, 'hi Carol');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'hi Carol' })).toBeVisible();
  for (const index of [1, 2, 3]) {
    await send(alice, `link ${index} https://example.com/${index}`);
    await expect(messages(alice.page).locator('li[data-seq]', { hasText: `link ${index}` })).toBeVisible();
  }
  await alice.page.getByLabel('Attach file').setInputFiles({ name: `invoice-${alice.handle}.exe`, mimeType: 'application/octet-stream', buffer: Buffer.from([0x4d, 0x5a, 0, 1, 2, 3]) });
  await expect(alice.page.getByRole('list', { name: 'Files to send' })).toContainText('Ready');
  await send(alice, `link 4 ${alice.handle} https://example.com/4`);
  await expect(messages(alice.page).locator('[data-outbox="held"]')).toHaveCount(1);
  await mod.page.reload();
  const held = mod.page.getByRole('list', { name: 'Held messages' }).getByRole('listitem').filter({ hasText: `link 4 ${alice.handle}` });
  const file = held.getByRole('link', { name: `invoice-${alice.handle}.exe (6 B)` });
  await expect(file).toBeVisible();
  const fetched = await mod.page.request.get((await file.getAttribute('href'))!);
  expect(fetched.status()).toBe(200);
  expect(Buffer.from(await fetched.body())).toEqual(Buffer.from([0x4d, 0x5a, 0, 1, 2, 3]));
  await held.getByRole('button', { name: 'Discard' }).click();
  await expect(held).toHaveCount(0);
  expect(errors.list).toEqual([]);
});
