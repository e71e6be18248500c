import { expect, test } from './fixtures';
import { acceptedChat, signUp, trackPageErrors } from './helpers';

// Keyboard and screen-reader users: closing a panel or a question puts focus back where it came from
// (docs/client.md), never on <body>.

test('the details panel and a confirmation give focus back to the button that opened them', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const page = alice.page;
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  const detailsButton = page.getByRole('button', { name: 'Conversation details' });

  await detailsButton.click();
  await expect(details.getByRole('heading', { name: 'Details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(detailsButton).toBeFocused();

  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.getByLabel('Handle to add')).toBeFocused();
  await details.getByRole('button', { name: 'Close' }).click();
  await expect(details).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add person' })).toBeFocused();

  await detailsButton.click();
  const block = details.getByRole('button', { name: `Block @${bob.handle}` });
  await block.click();
  await expect(details.getByRole('button', { name: 'Block', exact: true })).toBeFocused();
  await details.getByRole('button', { name: 'Cancel' }).click();
  await expect(block).toBeFocused();
  // Escape in the question answers it, not the panel.
  await block.click();
  await page.keyboard.press('Escape');
  await expect(block).toBeFocused();
  await expect(details).toBeVisible();
  expect(errors.list).toEqual([]);
});

test('the profile editor takes focus, says what is wrong in words, and Escape or Cancel leave it unchanged', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors);
  const edit = page.getByRole('button', { name: 'Edit profile' });
  const field = page.getByLabel('Display name');
  const sidebar = page.getByRole('complementary', { name: 'Conversations' });

  await edit.click();
  await expect(field).toBeFocused();
  await field.fill('Someone else');
  await page.keyboard.press('Escape');
  await expect(edit).toBeFocused();
  await expect(sidebar).toContainText('Alice');

  await edit.click();
  await expect(field).toHaveValue('Alice');
  await field.fill('   ');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar.getByRole('alert')).toHaveText('Display name must not be empty.');
  await field.fill('x'.repeat(65));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar.getByRole('alert')).toHaveText('Display name must be at most 64 characters.');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeFocused();

  await edit.click();
  await field.fill('Alicia');
  await field.press('Enter');
  await expect(edit).toBeFocused();
  await expect(sidebar).toContainText('Alicia');
  expect(errors.list).toEqual([]);
});
