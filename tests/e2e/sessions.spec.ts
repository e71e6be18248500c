import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PASSWORD, signUp, trackPageErrors } from './helpers';

/** The same account signed in on a second device, an Android phone's Chrome (as the sessions list names it). */
async function signInOnAPhone(browser: Browser, handle: string, errors: ReturnType<typeof trackPageErrors>) {
  const phone = await (await browser.newContext({ userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile' })).newPage();
  errors.watch(phone);
  await phone.goto('/signin');
  await phone.getByLabel('Username').fill(handle);
  await phone.getByLabel('Password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await expect(phone.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return phone;
}

test('settings lists signed-in sessions and signing one out cuts that browser off at once', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'dana', 'Dana', errors);
  const phone = await signInOnAPhone(browser, laptop.handle, errors);

  await laptop.page.getByRole('link', { name: 'Settings' }).click();
  const sessions = laptop.page.getByRole('list', { name: 'Sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  await expect(sessions.getByRole('listitem').filter({ hasText: 'This device' })).toHaveCount(1);
  await sessions.getByRole('button', { name: 'Sign out Chrome on Android' }).click();

  await expect(phone).toHaveURL(/\/signin/);
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await laptop.page.goto('/');
  await expect(laptop.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('signing out in one tab takes the browser’s other tabs, settings too, to sign in, without saying another device did it', async ({ browser }) => {
  const errors = trackPageErrors();
  const dana = await signUp(browser, 'dana', 'Dana', errors);
  const chatTab = await dana.page.context().newPage();
  const settingsTab = await dana.page.context().newPage();
  errors.watch(chatTab);
  errors.watch(settingsTab);
  await chatTab.goto('/');
  await expect(chatTab.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await settingsTab.goto('/settings');
  await expect(settingsTab.getByRole('list', { name: 'Sessions' })).toBeVisible();

  await dana.page.getByRole('button', { name: 'Sign out' }).click();
  for (const tab of [dana.page, chatTab, settingsTab]) {
    await expect(tab).toHaveURL(/\/signin$/);
    await expect(tab.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(tab.getByText(/another device/)).toHaveCount(0);
  }
  expect(errors.list).toEqual([]);
});

/** Records every navigation the tab starts (the Navigation API tells at once, before the page is replaced), and waits for a sentinel. */
async function watchNavigations(tab: Page) {
  await tab.evaluate(() => {
    const page = window as unknown as { started: string[]; sentinel: Promise<void> };
    page.started = [];
    (window as unknown as { navigation: EventTarget }).navigation.addEventListener('navigate', (event) => page.started.push((event as unknown as { destination: { url: string } }).destination.url));
    page.sentinel = new Promise((resolve) => window.addEventListener('storage', (event) => event.key === 'e2e-sentinel' && resolve()));
  });
}
/** Once `tab` has seen a storage write `from` makes now, it has acted on every write before it: what navigations did it start? */
async function navigationsAfterSentinel(from: Page, tab: Page) {
  await from.evaluate(() => localStorage.setItem('e2e-sentinel', String(Date.now())));
  return tab.evaluate(async () => {
    const page = window as unknown as { started: string[]; sentinel: Promise<void> };
    await page.sentinel;
    return page.started;
  });
}

test('a sign-out the server did not answer leaves every tab signed in, saying so; a slow one moves the other tabs only once answered', async ({ browser }) => {
  const errors = trackPageErrors();
  const dana = await signUp(browser, 'dana', 'Dana', errors);
  const chatTab = await dana.page.context().newPage();
  errors.watch(chatTab);
  await chatTab.goto('/');
  await expect(chatTab.getByRole('button', { name: 'Sign out' })).toBeEnabled();
  await watchNavigations(chatTab);

  // No answer (the network is up, the server unreachable): still signed in, here and in the other tab.
  await dana.page.route('**/api/auth/signout', (route) => route.abort('connectionrefused'));
  await dana.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(dana.page.getByRole('alert').filter({ hasText: 'The server did not answer: you are still signed in. Try again.' })).toBeVisible();
  expect(await navigationsAfterSentinel(dana.page, chatTab)).toEqual([]);

  // A slow answer: the other tab stays until the server has ended the session, then goes to sign in.
  await dana.page.unroute('**/api/auth/signout');
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const asked = dana.page.waitForRequest((request) => new URL(request.url()).pathname === '/api/auth/signout');
  await dana.page.route('**/api/auth/signout', async (route) => {
    await held;
    await route.continue();
  });
  await dana.page.getByRole('button', { name: 'Sign out' }).click();
  await asked;
  expect(await navigationsAfterSentinel(dana.page, chatTab)).toEqual([]);
  release();
  for (const tab of [dana.page, chatTab]) {
    await expect(tab).toHaveURL(/\/signin$/);
    await expect(tab.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(tab.getByText(/another device/)).toHaveCount(0);
  }
  expect(errors.list).toEqual([]);
});

test('a settings page whose session was ended elsewhere goes to sign in, saying so, at its next request', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'erin', 'Erin', errors);
  const phone = await signInOnAPhone(browser, laptop.handle, errors);
  await phone.goto('/settings');
  await expect(phone.getByRole('list', { name: 'Sessions' })).toBeVisible();

  await laptop.page.getByRole('link', { name: 'Settings' }).click();
  await laptop.page.getByRole('list', { name: 'Sessions' }).getByRole('button', { name: 'Sign out Chrome on Android' }).click();
  await expect(laptop.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);
  // The phone's settings page acts: its request finds the session gone.
  await phone.getByRole('checkbox').first().click();
  await expect(phone).toHaveURL(/\/signin\?reason=ended$/);
  expect(errors.list).toEqual([]);
});

test('a session ended from another device takes every tab of that browser to sign in, settings too, saying so', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'gil', 'Gil', errors);
  const phone = await signInOnAPhone(browser, laptop.handle, errors);
  const phoneSettings = await phone.context().newPage();
  errors.watch(phoneSettings);
  await phoneSettings.goto('/settings');
  await expect(phoneSettings.getByRole('list', { name: 'Sessions' })).toBeVisible();

  await laptop.page.getByRole('link', { name: 'Settings' }).click();
  await laptop.page.getByRole('list', { name: 'Sessions' }).getByRole('button', { name: 'Sign out Chrome on Android' }).click();
  // The chat tab is told over its connection; the settings tab, which has none, follows it without a click.
  for (const tab of [phone, phoneSettings]) await expect(tab).toHaveURL(/\/signin\?reason=ended$/);
  expect(errors.list).toEqual([]);
});

test('changing the password in settings signs the other devices out; the new password signs in', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'fay', 'Fay', errors);
  const phone = await signInOnAPhone(browser, laptop.handle, errors);
  const newPassword = 'a brand new passphrase';

  await laptop.page.getByRole('link', { name: 'Settings' }).click();
  const form = laptop.page.getByRole('region', { name: 'Change password' });
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password').fill(newPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('alert')).toHaveText('The current password is wrong.');
  // The button keeps the focus while the server is asked (a disabled one would drop it to the page).
  await expect(form.getByRole('button', { name: 'Change password' })).toBeFocused();

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toHaveText('Password changed. Other devices were signed out.');
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(form.getByLabel('Current password')).toHaveValue('');
  await expect(form.getByLabel('New password')).toHaveValue('');
  await expect(phone).toHaveURL(/\/signin/);

  // This device stayed signed in; signing out and in again takes the new password.
  await laptop.page.goto('/');
  await laptop.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(laptop.page).toHaveURL(/\/signin/);
  await laptop.page.getByLabel('Username').fill(laptop.handle);
  await laptop.page.getByLabel('Password').fill(newPassword);
  await laptop.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptop.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(errors.list).toEqual([]);
});

// Settings' lists load again when the person comes back to the page (docs/client.md): a load that failed
// says so until one succeeds, and a list never loaded does not claim to be empty.
test('a Settings list that failed to load says "No connection" until it loads again, and not that it is empty', async ({ browser }) => {
  const errors = trackPageErrors();
  const dana = await signUp(browser, 'dana', 'Dana', errors);
  const page = dana.page;
  // The blocks list cannot be reached when Settings opens.
  await page.route('**/api/v1/blocks', (route) => route.abort('internetdisconnected'));
  await page.getByRole('link', { name: 'Settings' }).click();
  const blocks = page.getByRole('region', { name: 'Blocked people' });
  await expect(blocks.getByRole('alert')).toHaveText('No connection to the server: try again once it is back.');
  await expect(blocks.getByText('You have not blocked anyone.')).toHaveCount(0);
  await page.unroute('**/api/v1/blocks');
  const panel = page.getByRole('region', { name: 'Signed-in sessions' });
  const sessions = panel.getByRole('list', { name: 'Sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  // The connection drops while the person is in another window; coming back to this one reloads the lists.
  await page.context().setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(panel.getByRole('alert')).toHaveText('No connection to the server: try again once it is back.');

  // Back online, they come back again: the lists load, and the alerts go with the failures they were about.
  await page.context().setOffline(false);
  const reloaded = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/sessions' && response.ok());
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await reloaded;
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByRole('alert').filter({ hasText: 'No connection to the server' })).toHaveCount(0);
  await expect(blocks.getByText('You have not blocked anyone.')).toBeVisible();
  expect(errors.list).toEqual([]);
});

// The password change signs the other devices out: the sessions listed a few lines below follow at once,
// with no Sign out button left for a session that is gone.
test('after changing the password, the sessions list on the same page no longer lists the devices it signed out', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'fay', 'Fay', errors);
  const phone = await signInOnAPhone(browser, laptop.handle, errors);
  const page = laptop.page;
  await page.getByRole('link', { name: 'Settings' }).click();
  const sessions = page.getByRole('list', { name: 'Sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed. Other devices were signed out.' })).toBeVisible();
  await expect(phone).toHaveURL(/\/signin/);
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(sessions.getByRole('button', { name: 'Sign out Chrome on Android' })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('signing this device out from the sessions list is the Sign out button’s: no "ended elsewhere", and the drafts go', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await alice.page.getByLabel('Find people').fill(bob.handle);
  await alice.page.getByRole('button', { name: new RegExp(bob.handle) }).click();
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('a private draft');
  await expect.poll(() => alice.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:draft:')).length)).toBeGreaterThan(0);
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await alice.page.getByRole('list', { name: 'Sessions' }).getByRole('button', { name: /\(this device\)/ }).click();
  await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(alice.page).toHaveURL(/\/signin$/);
  await expect(alice.page.getByText('You were signed out')).toHaveCount(0);
  expect(await alice.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:draft')))).toEqual([]);
  // Signed out on the server too: the old cookie opens nothing.
  expect((await alice.page.request.get('/api/v1/me')).status()).toBe(401);
  expect(errors.list).toEqual([]);
});

test('signing a session out by keyboard moves focus to the row that was after it, though the list comes back in another order', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'gil', 'Gil', errors);
  const token = async (client: string) => {
    const response = await fetch(`${baseURL}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': client },
      body: JSON.stringify({ username: laptop.handle, password: PASSWORD }),
    });
    expect(response.status).toBe(201);
  };
  await token('first-script');
  await token('second-script');
  const page = laptop.page;
  await page.getByRole('link', { name: 'Settings' }).click();
  const sessions = page.getByRole('list', { name: 'Sessions' });
  // Newest use first: the second script, the first, this browser.
  await expect(sessions.getByRole('button')).toHaveText(['Sign out', 'Sign out', 'Sign out']);
  const names = () => sessions.getByRole('button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
  expect(await names()).toEqual(['Sign out API token (second-script)', 'Sign out API token (first-script)', expect.stringMatching(/\(this device\)$/)]);

  // Signed in somewhere else meanwhile: the reloaded list has it first, where the signed-out row was.
  await token('third-script');
  await sessions.getByRole('button', { name: 'Sign out API token (second-script)' }).focus();
  await page.keyboard.press('Enter');
  await expect(sessions.getByRole('button', { name: 'Sign out API token (third-script)' })).toBeVisible();
  await expect(sessions.getByRole('button', { name: 'Sign out API token (first-script)' })).toBeFocused();
  expect(errors.list).toEqual([]);
});
