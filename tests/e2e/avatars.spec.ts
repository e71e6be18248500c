import sharp from 'sharp';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, expectNoHorizontalScroll, send, signUp, trackPageErrors, PHONE } from './helpers';

const picture = (colour: string) => sharp({ create: { width: 120, height: 80, channels: 3, background: colour } }).png().toBuffer();

/** Someone's avatar in the open conversation's header, and beside the first message of theirs. */
function avatarsOf(page: Page, handle: string) {
  const conversation = page.getByRole('main');
  return {
    header: conversation.locator(`header [data-avatar="${handle}"]`),
    message: conversation.getByRole('list', { name: 'Messages' }).locator(`[data-avatar="${handle}"]`).first(),
  };
}

test('Alice sets a profile picture; Bob, in their open conversation, sees it without reloading; removing it brings her initials back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'Hi Bob, it is Alice');
  const seen = avatarsOf(bob.page, alice.handle);
  await expect(seen.header).toHaveText('AL');
  await expect(seen.message).toHaveText('AL');
  await expect(seen.header.locator('img')).toHaveCount(0);

  await alice.page.getByRole('button', { name: 'Edit profile' }).click();
  const input = alice.page.getByLabel('Profile picture');
  await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await picture('#e11d48') });
  const sidebar = alice.page.getByRole('complementary', { name: 'Conversations' });
  await expect(sidebar.getByText('Picture saved.')).toBeVisible();
  await expect(sidebar.locator(`[data-avatar="${alice.handle}"] img`)).toHaveAttribute('src', new RegExp(`^/api/v1/users/${alice.handle}/avatar\\?v=`));

  // Bob: the header and the message row, live, loaded (a 256 px WebP), still decorative.
  for (const place of [seen.header, seen.message]) {
    const image = place.locator('img');
    await expect(image).toHaveAttribute('src', new RegExp(`^/api/v1/users/${alice.handle}/avatar\\?v=`));
    await expect(image).toHaveAttribute('alt', '');
    await expect(image).toHaveJSProperty('naturalWidth', 256);
  }
  // Hidden from assistive technology: the name beside it says who it is.
  await expect(seen.header.getByRole('img')).toHaveCount(0);
  await expect(seen.message.getByRole('img')).toHaveCount(0);

  // A file that is not a picture, whatever its name says: refused in words, the picture kept.
  await input.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some notes\n') });
  await expect(sidebar.getByRole('alert')).toHaveText('That file is not a picture. Choose a PNG, JPEG, WebP or GIF image.');
  await expect(seen.header.locator('img')).toHaveJSProperty('naturalWidth', 256);

  await sidebar.getByRole('button', { name: 'Remove picture' }).click();
  await expect(sidebar.getByText('Picture removed.')).toBeVisible();
  await expect(input).toBeFocused();
  await expect(seen.header.locator('img')).toHaveCount(0);
  await expect(seen.message.locator('img')).toHaveCount(0);
  await expect(seen.header).toHaveText('AL');
  await expect(seen.message).toHaveText('AL');

  // A new picture after that shows again, also on what she sends next.
  await input.setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: await picture('#2563eb') });
  await expect(sidebar.getByText('Picture saved.')).toBeVisible();
  await alice.page.getByRole('button', { name: 'Cancel' }).click();
  await send(alice, 'with a picture');
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('with a picture');
  await expect(seen.header.locator('img')).toHaveJSProperty('naturalWidth', 256);
  expect(errors.list).toEqual([]);
});

test('on a phone the picture control fits, previews the picture and says a too-large file is too large', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const sidebar = page.getByRole('complementary', { name: 'Conversations' });
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const input = page.getByLabel('Profile picture');
  await expect(input).toBeVisible();
  await expectNoHorizontalScroll(page);

  // Noise does not compress: a PNG past the 5 MB limit.
  const noise = Buffer.alloc(1400 * 1400 * 3);
  for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
  const large = await sharp(noise, { raw: { width: 1400, height: 1400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  expect(large.length).toBeGreaterThan(5 * 1024 * 1024);
  await input.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: large });
  await expect(sidebar.getByRole('alert')).toHaveText('That picture is too large. Choose one of at most 5.0 MB.');

  await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await picture('#16a34a') });
  await expect(sidebar.getByText('Picture saved.')).toBeVisible();
  await expect(sidebar.getByRole('alert')).toHaveCount(0);
  await expect(sidebar.locator('[data-avatar] img')).toHaveJSProperty('naturalWidth', 256);
  await expectNoHorizontalScroll(page);
  expect(errors.list).toEqual([]);
});

test('someone who has left a group keeps their picture beside what they wrote there', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'Hi Bob, it is Alice');
  const put = await alice.page.request.put('/api/v1/me/avatar', { multipart: { file: { name: 'me.png', mimeType: 'image/png', buffer: await picture('#0891b2') } } });
  expect(put.status()).toBe(200);
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Book club', members: [bob.handle] } });
  expect(created.status()).toBe(201);
  const groupId = (await created.json()).room.id;
  const said = await alice.page.request.post(`/api/v1/rooms/${groupId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body: 'Chapter one is wonderful' } });
  expect(said.status()).toBe(201);
  expect((await alice.page.request.delete(`/api/v1/groups/${groupId}/users/${alice.handle}`)).status()).toBe(200);

  // Bob opens the group afresh: Alice is no longer among its members, so her name and picture are asked for.
  await bob.page.goto(`/c/${groupId}`);
  const row = bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]', { has: bob.page.getByText('Chapter one is wonderful', { exact: true }) });
  await expect(row).toContainText('Alice');
  await expect(row.locator(`[data-avatar="${alice.handle}"] img`)).toHaveAttribute('src', new RegExp(`^/api/v1/users/${alice.handle}/avatar\\?v=`));
  await expect(row.locator(`[data-avatar="${alice.handle}"] img`)).toHaveJSProperty('naturalWidth', 256);
  expect(errors.list).toEqual([]);
});

// As every form: the shared rule, in words, before any round trip (offline too), tied to its field.
test('the profile editor says a blank display name is wrong before asking the server, offline too', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const page = alice.page;
  // No round trip: the server is not asked at all.
  const asked: string[] = [];
  page.on('request', (request) => request.url().endsWith('/api/v1/me') && request.method() === 'PATCH' && asked.push(request.url()));

  await page.getByRole('button', { name: 'Edit profile' }).click();
  const field = page.getByLabel('Display name');
  await page.context().setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await field.fill('   ');
  await field.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: /Display name|No connection/ })).toHaveText('Display name must not be empty.');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription('Display name must not be empty.');

  // Online, the same check needs no round trip either.
  await page.context().setOffline(false);
  await field.fill('');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Display name' })).toHaveText('Display name must not be empty.');
  expect(asked).toEqual([]);
  expect(errors.list).toEqual([]);
});
