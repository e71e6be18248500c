import { expect, test } from './fixtures';
import { PASSWORD, signUp, trackPageErrors } from './helpers';

test('settings lists signed-in sessions and signing one out cuts that browser off at once', async ({ browser }) => {
  const errors = trackPageErrors();
  const laptop = await signUp(browser, 'dana', 'Dana', errors);
  const phone = await (await browser.newContext({ userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile' })).newPage();
  errors.watch(phone);
  await phone.goto('/signin');
  await phone.getByLabel('Username').fill(laptop.handle);
  await phone.getByLabel('Password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await expect(phone.getByRole('button', { name: 'Sign out' })).toBeVisible();

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
