import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, aliceOnPhoneAskedByBob, apiUser, expectNoHorizontalScroll, grantAdmin, groupWith, openChatWith, postMessages, roomIdWith, send, settledAt, signUp, trackPageErrors, PHONE } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });

for (const size of [
  { name: 'phone', viewport: { width: 390, height: 844 }, narrow: true },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, narrow: false },
]) {
  test(`${size.name} (${size.viewport.width}×${size.viewport.height}): sign in, open a DM from the list, send, go back, open a group`, async ({ browser }) => {
    const errors = trackPageErrors();
    const options = { viewport: size.viewport, hasTouch: size.narrow, isMobile: size.narrow };
    const alice = await signUp(browser, 'alice', 'Alice', errors, options);
    const bob = await signUp(browser, 'bob', 'Bob', errors);
    await grantAdmin(alice.handle);
    await openChatWith(bob, alice.handle);
    await send(bob, 'a long first message to see that it wraps by words and not one letter per line on a phone-sized screen');
    await acceptRequest(alice, 'Bob');
    await bob.page.getByRole('button', { name: 'New group' }).click();
    await bob.page.getByLabel('Group name').fill('Weekend');
    await bob.page.getByLabel('Members (handles)').fill(alice.handle);
    await bob.page.getByRole('button', { name: 'Create group' }).click();
    await expect(bob.page.getByRole('heading', { name: 'Weekend' })).toBeVisible();
    await send(bob, 'group hello');

    // From the list, as a new visitor would: the sign-in page first.
    const page = alice.page;
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.goto('/signup');
    await expectNoHorizontalScroll(page);
    await page.goto('/signin');
    await page.getByLabel('Username').fill(alice.handle);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(rooms(page).getByRole('button', { name: /Bob/ })).toBeVisible();
    await expectNoHorizontalScroll(page);

    await rooms(page).getByRole('button', { name: /Bob/ }).click();
    await expect(page).toHaveURL(/\/c\/[^/]+$/);
    await expect(messages(page)).toContainText('one letter per line');
    // One pane at a time on a phone; side by side on a laptop.
    if (size.narrow) await expect(rooms(page)).toBeHidden();
    else await expect(rooms(page)).toBeVisible();
    await send(alice, 'hi Bob, from a ' + size.name);
    // Bob has the group open: the DM's preview in his list shows it arrived.
    await expect(rooms(bob.page).getByRole('button', { name: new RegExp(`hi Bob, from a ${size.name}`) })).toBeVisible();
    await expectNoHorizontalScroll(page);
    // A bubble is wider than a few letters: words are not broken one letter per line.
    const bubbleWidth = await messages(page).locator('li[data-seq] p.whitespace-pre-wrap').first().evaluate((p) => p.getBoundingClientRect().width);
    expect(bubbleWidth).toBeGreaterThan(size.viewport.width * 0.4);
    // No hover on a touch screen: a long press on a time shows its full date (the year is in it).
    if (size.narrow) {
      // Enter on a touch keyboard is a new line; Send sends.
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.pressSequentially('line one');
      await box.press('Enter');
      await box.pressSequentially('line two');
      await expect(box).toHaveValue('line one\nline two');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect(messages(page).locator('li[data-seq] p.whitespace-pre-wrap').last()).toHaveText('line one\nline two');
      const time = messages(page).locator('li[data-seq] time').first();
      await expect(time).not.toContainText(String(new Date().getFullYear()));
      await time.dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true });
      await expect(time).toContainText(String(new Date().getFullYear()));
      await time.dispatchEvent('pointerup', { pointerType: 'touch', isPrimary: true });
    }

    if (size.narrow) {
      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await expect(rooms(page)).toBeVisible();
      await expect(messages(page)).toHaveCount(0);
    } else {
      await page.goBack();
      await expect(page).toHaveURL(/\/$/);
    }
    await rooms(page).getByRole('button', { name: /Weekend/ }).click();
    await expect(page.getByRole('heading', { name: 'Weekend' })).toBeVisible();
    await expect(messages(page)).toContainText('group hello');
    await expectNoHorizontalScroll(page);

    await page.getByRole('button', { name: 'Conversation details' }).click();
    await expect(page.getByRole('complementary', { name: 'Conversation details' }).getByRole('list', { name: 'Members' })).toContainText('Bob');
    await expectNoHorizontalScroll(page);

    await page.goto('/settings');
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.goto('/admin');
    await expect(page.getByRole('heading', { name: 'Moderation' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    expect(errors.list).toEqual([]);
  });
}

test('the page itself never scrolls: the panes do, so a wheel past the end of the list does not carry the app off screen', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const roomId = await roomIdWith(alice, bob.handle);
  // Many of one's own messages: each carries hidden words for its status ("Sent", "Read"), which once sat
  // outside the message scroller and made the page taller than the window.
  await postMessages(alice, roomId, Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
  const page = alice.page;
  await expect(messages(page).getByText('line 40', { exact: true })).toBeVisible();
  const sizes = () => page.evaluate(() => ({ height: document.scrollingElement!.scrollHeight, window: window.innerHeight }));
  const { height, window: windowHeight } = await sizes();
  expect(height, 'the page is taller than the window').toBeLessThanOrEqual(windowHeight);
  // The wheel over the conversation list, past its end: the page stays where it is.
  await page.mouse.move(160, 700);
  await page.mouse.wheel(0, 3000);
  await send(alice, 'after the wheel');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(errors.list).toEqual([]);
});

test('on a phone, a group event naming a long unbroken group name wraps inside the list rather than running off it', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  const roomId = await groupWith(alice, 'Trip', [bob]);
  const name = 'Summerholidayplanning2027'.repeat(4).slice(0, 80);
  expect((await alice.page.request.patch(`/api/v1/groups/${roomId}`, { data: { name } })).status()).toBe(200);
  await alice.page.goto(`/c/${roomId}`);
  const event = messages(alice.page).getByText(`renamed the group to "${name}"`);
  await expect(event).toBeVisible();
  const { scrollWidth, clientWidth } = await event.evaluate((row) => ({ scrollWidth: row.scrollWidth, clientWidth: row.clientWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await expectNoHorizontalScroll(alice.page);
  expect(errors.list).toEqual([]);
});

test('/c/:roomId survives a reload and settings; Back on a narrow screen returns to the list', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceOnPhoneAskedByBob(browser, errors, 'linkable hello');
  await acceptRequest(alice, 'Bob');
  const page = alice.page;
  await page.goto('/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page).toHaveURL(/\/c\/[^/]+$/);
  const address = page.url();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(messages(page)).toContainText('linkable hello');

  // Settings and back: the conversation is still the open one.
  await page.goto('/settings');
  await page.getByRole('link', { name: 'Back to chat' }).click();
  await expect(page).toHaveURL(address);
  await expect(messages(page)).toContainText('linkable hello');

  // The browser's Back from a conversation opened from the list goes to the list.
  await page.goto('/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(messages(page)).toContainText('linkable hello');
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(rooms(page)).toBeVisible();
  await expect(messages(page)).toHaveCount(0);

  // A link opened in a fresh tab lands in the conversation too.
  const tab = await page.context().newPage();
  errors.watch(tab);
  await tab.goto(address);
  await expect(messages(tab)).toContainText('linkable hello');
  expect(errors.list).toEqual([]);
});

/**
 * Back to chat from Settings reached by the chat's link goes back to the chat's entry rather than adding
 * one: the history is no longer, Settings is ahead (Forward), and Back from the chat does not return to it.
 */
async function backToChatGoesBack(page: Page) {
  const length = await page.evaluate(() => history.length);
  await page.getByRole('link', { name: 'Back to chat' }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(await page.evaluate(() => history.length)).toBe(length);
}

test('Back to chat from Settings reached from the chat goes back to the chat’s entry: Back then does not return to Settings', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const page = alice.page;
  // The chat has taken its address in (Back to chat goes back to it).
  await settledAt(page, '/');
  await page.getByRole('link', { name: 'Settings' }).click();
  // Focus arrives with the page, on its title, and goes back to the link that led there: never on <body>.
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
  await backToChatGoesBack(page);
  await expect(page.getByRole('link', { name: 'Settings' })).toBeFocused();
  await page.goForward();
  await expect(page).toHaveURL(/\/settings$/);
  expect(errors.list).toEqual([]);
});

// "Back to conversations" goes back to the list's entry, leaving the conversation ahead (Forward): Settings,
// pushed from there, is still right after the chat's entry, however long the history is.
test('Back to chat goes back to the chat’s entry too when Back had left entries ahead of it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceOnPhoneAskedByBob(browser, errors, 'hello from Bob');
  await acceptRequest(alice, 'Bob');
  const page = alice.page;
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await settledAt(page, '/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await settledAt(page, new URL(page.url()).pathname);
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await settledAt(page, '/');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
  // A reload keeps what Settings knows of the entry before it.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await backToChatGoesBack(page);
  await expect(rooms(page).getByRole('button', { name: /Bob/ })).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(/\/settings$/);
  expect(errors.list).toEqual([]);
});

test('Back to chat goes back to the chat’s entry after a round trip to Settings by the browser’s Back too', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const settings = page.getByRole('heading', { name: 'Settings', level: 1 });
  await settledAt(page, '/');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(settings).toBeFocused();
  await page.goBack();
  await settledAt(page, '/');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(settings).toBeFocused();
  await backToChatGoesBack(page);
  await page.goForward();
  await expect(settings).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('on a phone, ← back to the list takes the list’s place in history: Back then does not reopen what was closed', async ({ browser }) => {
  const errors = trackPageErrors();
  const narrow = PHONE;
  const alice = await signUp(browser, 'alice', 'Alice', errors, narrow);
  for (const name of ['Bob', 'Gina']) {
    const friend = await signUp(browser, name.toLowerCase(), name, errors);
    await openChatWith(friend, alice.handle);
    await send(friend, `hello from ${name}`);
    await alice.page.goto('/');
    await acceptRequest(alice, name);
  }
  const page = alice.page;
  await page.goto('/');
  await expect(rooms(page).getByRole('button', { name: /Gina/ })).toBeVisible();
  // A page before the list, to see Back land there.
  await page.goto('/settings');
  await page.goto('/');
  await expect(rooms(page).getByRole('button', { name: /Gina/ })).toBeVisible();
  const length = await page.evaluate(() => history.length);
  for (const name of ['Bob', 'Gina']) {
    await rooms(page).getByRole('button', { name: new RegExp(name) }).click();
    await expect(messages(page)).toContainText(`hello from ${name}`);
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(rooms(page)).toBeVisible();
  }
  expect(await page.evaluate(() => history.length)).toBe(length + 1);
  // Back leaves the list for the page before it, not for Gina's or Bob's conversation.
  await page.goBack();
  await expect(page).toHaveURL(/\/settings$/);
  expect(errors.list).toEqual([]);
});
