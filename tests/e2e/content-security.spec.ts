import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { acceptRequest, openChatWith, signUp, trackPageErrors } from './helpers';

// The Content-Security-Policy must not break the built app: sign-up, the socket, live chat all work
// under it, and the browser reports no violation.
test('the app runs under its Content-Security-Policy with no violations', async ({ browser }) => {
  const errors = trackPageErrors();
  const violations: string[] = [];
  const watch = (page: Page) =>
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (load|execute|connect|apply|frame)/i.test(message.text())) violations.push(message.text());
    });
  const visitor = await (await browser.newContext()).newPage();
  watch(visitor);
  errors.watch(visitor);
  for (const path of ['/signin', '/signup']) {
    await visitor.goto(path);
    await expect(visitor.getByLabel('Password')).toBeVisible();
  }
  const alice = await signUp(browser, 'csp_a', 'Alice', errors);
  const bob = await signUp(browser, 'csp_b', 'Bob', errors);
  watch(alice.page);
  watch(bob.page);
  const headers = (await alice.page.reload())!.headers();
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");

  await openChatWith(alice, bob.handle);
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('Under the policy');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(bob.page.getByRole('region', { name: 'Message requests' })).toContainText('Under the policy');
  await acceptRequest(bob, 'Alice');
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('Still live');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('Still live');
  await bob.page.reload();
  await expect(bob.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(violations).toEqual([]);
  expect(errors.list).toEqual([]);
});
