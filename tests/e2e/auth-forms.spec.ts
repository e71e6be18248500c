import { expect, test } from './fixtures';
import { PASSWORD, PHONE, signUp, trackPageErrors, uniqueHandle } from './helpers';

test('without JavaScript the sign-in and sign-up forms say they need it and send nothing, the password least of all', async ({ browser }) => {
  const { handle } = await signUp(browser, 'nojs', 'No Script');
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  const navigations: string[] = [];
  page.on('request', (request) => void (request.isNavigationRequest() && navigations.push(`${request.method()} ${request.url()}`)));
  for (const [path, submit] of [
    ['/signin', 'Sign in'],
    ['/signup', 'Create account'],
  ]) {
    await page.goto(path);
    // (Playwright's text locators skip whatever is inside a <noscript>: the paragraph is asked for itself.)
    const needsScript = page.locator('form noscript p');
    await expect(needsScript).toBeVisible();
    await expect(needsScript).toHaveText('Relay needs JavaScript to sign in: turn it on for this site and reload.');
    await page.getByLabel('Username').fill(handle);
    await page.getByLabel('Password').fill(PASSWORD);
    await expect(page.getByRole('button', { name: submit })).toBeDisabled();
    // Enter in a field submits a form whose button is on; this one's is off.
    await page.getByLabel('Password').press('Enter');
    await expect(page.getByLabel('Password')).toHaveValue(PASSWORD);
  }
  // The sentinel: a navigation after the presses, so one they had started would be listed before it.
  await page.goto('/signin?sentinel');
  expect(navigations.map((line) => line.replace(/^(\w+) https?:\/\/[^/]+/, '$1 '))).toEqual(['GET /signin', 'GET /signup', 'GET /signin?sentinel']);
  for (const line of navigations) expect(line).not.toContain(encodeURIComponent(PASSWORD));
});

// Seen in CI: a link brought the sign-up page, the fields were filled and the button pressed before its
// script ran; the browser posted the form itself, which cleared it and signed no one in.
test('a sign-up pressed before the page has come alive waits for it, then signs up with what was typed and returns to the link', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page: owner } = await signUp(browser, 'early', 'Early', errors);
  const { room } = await (await owner.request.post('/api/v1/groups', { data: { name: 'Early bird', members: [] } })).json();
  const page = await (await browser.newContext({ serviceWorkers: 'block' })).newPage();
  errors.watch(page);
  let letScriptsThrough!: () => void;
  const alive = new Promise<void>((resolve) => (letScriptsThrough = resolve));
  await page.route('**/_next/static/chunks/**', async (route) => {
    await alive;
    await route.continue().catch(() => {});
  });
  await page.goto(`/signup?callbackUrl=${encodeURIComponent(`/c/${room.id}`)}`, { waitUntil: 'commit' });
  await page.getByLabel('Username').fill(uniqueHandle('early'));
  await page.getByLabel('Password').fill(PASSWORD);
  const submit = page.getByRole('button', { name: 'Create account' });
  await expect(submit).toBeDisabled();
  const pressed = submit.click();
  letScriptsThrough();
  await pressed;
  await expect(page).toHaveURL(new RegExp(`/c/${room.id}$`));
  await expect(page.getByText('This conversation is not available.')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('a session ended elsewhere lands on sign-in with the reason', async ({ browser }) => {
  const { page } = await signUp(browser, 'ended', 'Ended');
  // The session ends over the API (as from another device's settings): the open page is cut off.
  const sessions = await (await page.request.get('/api/v1/sessions')).json();
  const current = sessions.sessions.find((session: { current: boolean }) => session.current);
  expect((await page.request.delete(`/api/v1/sessions/${current.id}`)).ok()).toBe(true);
  await expect(page).toHaveURL(/\/signin\?reason=ended/);
  await expect(page.getByRole('status')).toContainText('You were signed out');
});

test('signed in, sign-in and sign-up lead to the chat, and Back after signing in does not return to the form', async ({ browser }) => {
  const errors = trackPageErrors();
  const { handle, page } = await signUp(browser, 'back', 'Back Again', errors);
  for (const path of ['/signin', '/signup']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  }

  const laptop = await (await browser.newContext()).newPage();
  errors.watch(laptop);
  await laptop.goto('/');
  await expect(laptop).toHaveURL(/\/signin$/);
  await laptop.getByLabel('Username').fill(handle);
  await laptop.getByLabel('Password').fill(PASSWORD);
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptop.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await laptop.goBack();
  expect(laptop.url()).not.toContain('/signin');
  await expect(laptop.getByLabel('Password')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('sign-up says what is wrong with every field at once, before asking the server', async ({ browser }) => {
  const errors = trackPageErrors();
  const page = await (await browser.newContext()).newPage();
  errors.watch(page);
  await page.goto('/signup');
  await page.getByLabel('Username').fill('a b!');
  await page.getByLabel('Password').fill('123');
  await page.getByRole('button', { name: 'Create account' }).click();
  const alert = page.locator('form').getByRole('alert');
  await expect(alert).toContainText('Username may only contain');
  await expect(alert).toContainText('Password must be at least 8 characters.');
  expect(errors.list).toEqual([]);
});

test('on a phone the username is typed as it is, and one typed with capitals signs up lower-case', async ({ browser }) => {
  const errors = trackPageErrors();
  const page = await (await browser.newContext(PHONE)).newPage();
  errors.watch(page);
  await page.goto('/signup');
  const username = page.getByLabel('Username');
  // The keyboard would otherwise start it with a capital, and "correct" it.
  await expect(username).toHaveAttribute('autocapitalize', 'none');
  await expect(username).toHaveAttribute('autocorrect', 'off');
  await expect(username).toHaveAttribute('spellcheck', 'false');

  const handle = uniqueHandle('Ada');
  await username.fill(` ${handle}`);
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByText(`@${handle.toLowerCase()}`)).toBeVisible();
  await expect(page.getByText('Ada Lovelace')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('signed out, a link to Settings or to a conversation returns there after signing in (or up), and nowhere off the site', async ({ browser }) => {
  const errors = trackPageErrors();
  const { handle, page: owner } = await signUp(browser, 'cb', 'Callback', errors);
  const { room } = await (await owner.request.post('/api/v1/groups', { data: { name: 'Back here', members: [] } })).json();
  const page = await (await browser.newContext()).newPage();
  errors.watch(page);
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsettings$/);
  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/settings$/);

  // A conversation's link, through sign-up: the link to sign up carries the place along.
  const newcomer = await (await browser.newContext()).newPage();
  errors.watch(newcomer);
  await newcomer.goto(`/c/${room.id}`);
  await expect(newcomer).toHaveURL(new RegExp(`/signin\\?callbackUrl=%2Fc%2F${room.id}$`));
  await newcomer.getByRole('link', { name: 'Create an account' }).click();
  // Both forms have a Username field: typing before the sign-up form is there would type into the other.
  await expect(newcomer.getByRole('heading', { name: 'Create your Relay account' })).toBeVisible();
  await newcomer.getByLabel('Username').fill(uniqueHandle('late'));
  await newcomer.getByLabel('Password').fill(PASSWORD);
  await newcomer.getByRole('button', { name: 'Create account' }).click();
  // Not theirs: the conversation's address, saying so, with the chat around it.
  await expect(newcomer).toHaveURL(new RegExp(`/c/${room.id}$`));
  await expect(newcomer.getByText('This conversation is not available.')).toBeVisible();

  // A return address off the site is ignored: the chat.
  const wary = await (await browser.newContext()).newPage();
  errors.watch(wary);
  for (const away of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
    await wary.goto(`/signin?callbackUrl=${encodeURIComponent(away)}`);
    await wary.getByLabel('Username').fill(handle);
    await wary.getByLabel('Password').fill(PASSWORD);
    await wary.getByRole('button', { name: 'Sign in' }).click();
    await expect(wary.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(new URL(wary.url()).origin).toBe(new URL(page.url()).origin);
    expect(new URL(wary.url()).pathname).toBe('/');
    await wary.getByRole('button', { name: 'Sign out' }).click();
    await expect(wary.getByRole('button', { name: 'Sign in' })).toBeVisible();
  }
  expect(errors.list).toEqual([]);
});

test('a refused sign-in or sign-up keeps focus on the form (the button), not on the page', async ({ browser }) => {
  const { handle } = await signUp(browser, 'wp', 'Wrong Pass');
  const page = await (await browser.newContext()).newPage();
  const focused = () => page.evaluate(() => document.activeElement?.tagName.toLowerCase());
  await page.goto('/signin');
  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Password').fill('not the password');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.getByRole('button', { name: 'Sign in' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('form').getByRole('alert')).toHaveText('Wrong username or password.');
  expect(await focused()).toBe('button');
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription('Wrong username or password.');

  await page.goto('/signup');
  await page.getByLabel('Username').fill(handle.toUpperCase());
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText(`The username "${handle}" is taken.`);
  expect(await focused()).toBe('button');
  // The right password after all: signed in.
  await page.goto('/signin');
  await page.getByLabel('Username').fill(handle);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
