import { expect, test } from './fixtures';
import { PASSWORD, PHONE, signUp, trackPageErrors, uniqueHandle } from './helpers';

test('before the script has loaded (JavaScript disabled), signing in never puts the password in the URL', async ({ browser }) => {
  const { handle } = await signUp(browser, 'nojs', 'No Script');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  for (const path of ['/signin', '/signup']) {
    await page.goto(path);
    await page.getByLabel('Username').fill(handle);
    await page.getByLabel('Password').fill(PASSWORD);
    const submitted = page.waitForRequest((request) => request.isNavigationRequest() && request.url().includes(path) && request.method() !== 'GET');
    await page.getByRole('button', { name: path === '/signin' ? 'Sign in' : 'Create account' }).click();
    const request = await submitted;
    expect(request.method()).toBe('POST');
    await page.waitForLoadState();
  }
  const secret = encodeURIComponent(PASSWORD).replace(/%20/g, '+');
  for (const url of [...urls, page.url()]) {
    expect(url).not.toContain(secret);
    expect(url).not.toContain(encodeURIComponent(PASSWORD));
    expect(url).not.toContain('password=');
  }
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
