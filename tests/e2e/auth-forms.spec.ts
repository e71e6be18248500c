import { expect, test } from './fixtures';
import { PASSWORD, signUp } from './helpers';

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
