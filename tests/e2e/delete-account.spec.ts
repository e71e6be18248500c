import { expect, test } from './fixtures';
import { acceptedChat, PASSWORD, trackPageErrors } from './helpers';

test('deleting the account from settings asks for the password, signs every tab out, and the other person sees "Deleted account" and cannot write', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello from Alice');
  const chatTab = await alice.page.context().newPage();
  errors.watch(chatTab);
  await chatTab.goto('/');
  await expect(chatTab.getByRole('button', { name: 'Sign out' })).toBeVisible();
  const messages = bob.page.getByRole('list', { name: 'Messages' });
  await expect(messages).toContainText('hello from Alice');

  await alice.page.getByRole('link', { name: 'Settings' }).click();
  const panel = alice.page.getByRole('region', { name: 'Delete account' });
  const password = panel.getByLabel('Password to delete the account');
  await password.fill('not my password');
  await panel.getByRole('button', { name: 'Delete my account' }).click();
  await expect(panel.getByRole('alert')).toHaveText('The password is wrong.');
  await expect(alice.page).toHaveURL(/\/settings/);

  await password.fill(PASSWORD);
  await panel.getByRole('button', { name: 'Delete my account' }).click();
  await expect(alice.page).toHaveURL(/\/signin\?reason=deleted/);
  await expect(alice.page.getByText('Your account was deleted.')).toBeVisible();
  // The other tab follows as from a sign-out here, not as from another device's doing.
  await expect(chatTab).toHaveURL(/\/signin$/);

  // Bob's open conversation: her words stay, under the new name; the message box is off, saying why.
  await expect(bob.page.getByRole('heading', { name: 'Deleted account' })).toBeVisible();
  await expect(messages).toContainText('hello from Alice');
  await expect(bob.page.getByRole('status').filter({ hasText: 'This account was deleted: it cannot be messaged.' })).toBeVisible();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  expect(errors.list).toEqual([]);
});
