import { expect, test } from './fixtures';
import { acceptedChat, acceptRequest, holdSearch, openChatWith, PASSWORD, send, signUp, trackPageErrors } from './helpers';

test('two people sign up, chat live, and keep their history across a reload', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);

  await openChatWith(alice, bob.handle);
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('Hi Bob, it is Alice');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('Hi Bob, it is Alice');

  // Bob sees the first message from a stranger arrive live, as a request, and accepts it.
  await expect(bob.page.getByRole('region', { name: 'Message requests' })).toContainText('Hi Bob, it is Alice');
  await acceptRequest(bob, 'Alice');
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('Hi Bob, it is Alice');

  await bob.page.getByRole('textbox', { name: 'Message' }).fill('Hello Alice!');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('Hello Alice!');

  await alice.page.reload();
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).click();
  const history = alice.page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
  await expect(history.filter({ hasText: 'Hi Bob, it is Alice' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'Hello Alice!' })).toHaveCount(1);
  expect(errors.list).toEqual([]);
});

test('bad credentials give a clear error, and signing out returns to the sign-in page', async ({ browser }) => {
  const errors = trackPageErrors();
  const { handle, page } = await signUp(browser, 'carol', 'Carol', errors);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);

  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('Wrong username or password.');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('sign-up explains an invalid username', async ({ page }) => {
  const errors = trackPageErrors();
  errors.watch(page);
  await page.goto('/signup');
  await page.getByLabel('Username').fill('no');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('form').getByRole('alert')).toContainText('Username must be at least 3 characters');
  expect(errors.list).toEqual([]);
});

test('keyboard only: Enter opens a conversation from the list, and "Skip to the message box" gets past its messages', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'first');
  for (const body of ['second', 'third', 'fourth']) await send(alice, body);
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('fourth');
  await bob.page.goto('/');
  const list = bob.page.getByRole('list', { name: 'Recent conversations' });
  await list.getByRole('button', { name: /Alice/ }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('fourth');

  // Tabbing on from the list reaches the skip button before any message's actions menu.
  const skip = bob.page.getByRole('button', { name: 'Skip to the message box' });
  for (let step = 0; step < 12; step += 1) {
    const focused = await bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim());
    if (focused === 'Skip to the message box') break;
    expect(focused).not.toBe('Message actions');
    await bob.page.keyboard.press('Tab');
  }
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await bob.page.keyboard.press('Enter');
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await bob.page.keyboard.type('typed without a mouse');
  await bob.page.keyboard.press('Enter');
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('typed without a mouse');
  expect(errors.list).toEqual([]);
});

test('an ignored request waits in Settings, where it can still be accepted, opening the conversation', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'remember me?');
  const requests = bob.page.getByRole('region', { name: 'Message requests' });
  await requests.getByRole('button', { name: /Alice/ }).click();
  await bob.page.getByRole('region', { name: 'Message request', exact: true }).getByRole('button', { name: 'Ignore' }).click();
  await expect(requests).toHaveCount(0);

  await bob.page.getByRole('link', { name: 'Settings' }).click();
  const ignored = bob.page.getByRole('list', { name: 'Ignored requests' });
  await expect(ignored.getByRole('listitem')).toHaveCount(1);
  await expect(ignored.getByRole('listitem')).toContainText('remember me?');
  await ignored.getByRole('button', { name: `Accept @${alice.handle}` }).click();
  await expect(bob.page).toHaveURL(/\/c\/[^/]+$/);
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('remember me?');
  await send(bob, 'yes, hello again');
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('yes, hello again');
  expect(errors.list).toEqual([]);
});

test('Find people says when nobody matches, shows the answer to the latest words only, and asks again once back online', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const { page } = alice;
  const find = page.getByLabel('Find people');
  const people = page.getByRole('list', { name: 'People' });
  const said = page.getByRole('status').filter({ hasText: /No one found|No connection/ });

  // The answer to earlier words comes last: it must not replace the answer to what is typed now.
  const hold = (words: string) => holdSearch(page, '/api/v1/users', words);
  const slowWords = `zq${Date.now().toString(36)}`;
  const slow = await hold(slowWords);
  await find.fill(slowWords);
  await slow.asked;
  await find.fill(bob.handle);
  await expect(people.getByRole('button', { name: new RegExp(bob.handle) })).toBeVisible();
  slow.release();
  await slow.answered;
  // The sentinel: words asked 150 ms after a change, so by the time they are asked the late answer has
  // been handled; held unanswered while the list is looked at.
  const sentinel = await hold(`${bob.handle} `);
  await find.fill(`${bob.handle} `);
  await sentinel.asked;
  await expect(people.getByRole('button', { name: new RegExp(bob.handle) })).toBeVisible();
  await expect(said).toHaveCount(0);
  sentinel.release();
  await sentinel.answered;

  const nobody = `nobody${Date.now().toString(36)}`;
  await find.fill(nobody);
  await expect(said).toHaveText(`No one found for “${nobody}”`);
  await expect(people).toHaveCount(0);

  await page.context().setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await find.fill(bob.handle);
  await expect(said).toHaveText('No connection to the server: this runs again once it is back.');
  await page.context().setOffline(false);
  await expect(people.getByRole('button', { name: new RegExp(bob.handle) })).toBeVisible();
  await expect(said).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('at midnight an open conversation’s "Today" becomes "Yesterday", and the list gives the date instead of the time', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'late at night');
  const page = bob.page;
  // The page's clock stands at the last seconds of the day (its timers run on), then midnight passes with
  // nothing else happening: no message, no reload.
  const midnight = await page.evaluate(() => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
  });
  await page.clock.setFixedTime(midnight - 2_000);
  await page.reload();
  const dayLabels = page.getByRole('list', { name: 'Messages' }).locator('[data-day-label]');
  await expect(dayLabels).toHaveText(['Today']);
  const entry = page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ });
  await expect(entry).toContainText(/\d:\d\d/);
  await page.clock.setFixedTime(midnight + 2_000);
  await expect(dayLabels).toHaveText(['Yesterday']);
  const yesterday = await page.evaluate(() => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(Date.now() - 86_400_000)));
  await expect(entry).toContainText(yesterday);
  await expect(entry).not.toContainText(/\d:\d\d/);
  expect(errors.list).toEqual([]);
});
