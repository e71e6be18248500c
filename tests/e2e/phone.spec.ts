import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from './fixtures';
import { openChatWith, PHONE, send, signUp, trackPageErrors } from './helpers';

const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const heading = (page: Page, title: string) => page.getByRole('main', { name: `Conversation with ${title}` }).getByRole('heading', { name: title });

/** axe's landmark rules: one main landmark, top level, whatever the screen shows. */
async function landmarkViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withRules(['landmark-one-main', 'landmark-no-duplicate-main', 'landmark-main-is-top-level', 'landmark-complementary-is-top-level', 'landmark-unique'])
    .analyze();
  return violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('the conversation list is the main landmark on a phone when no conversation is open, and a conversation is the one main when it is', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(bob, alice.handle);
  await send(bob, 'hello Alice');
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('hello Alice');

  // Bob, on a laptop, with nothing open and then his conversation.
  await bob.page.goto('/');
  await expect(rooms(bob.page).getByRole('button', { name: /Alice/ })).toBeVisible();
  expect(await landmarkViolations(bob.page)).toEqual([]);
  await rooms(bob.page).getByRole('button', { name: /Alice/ }).click();
  await expect(heading(bob.page, 'Alice')).toBeVisible();
  expect(await landmarkViolations(bob.page)).toEqual([]);

  // Alice, on a phone: the list screen, then the conversation screen.
  const page = alice.page;
  await expect(page.getByRole('region', { name: 'Message requests' })).toContainText('Bob');
  await expect(page.getByRole('main')).toBeVisible();
  await expect(page.getByRole('main').getByRole('complementary', { name: 'Conversations' })).toBeVisible();
  expect(await landmarkViolations(page)).toEqual([]);
  await page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Bob/ }).click();
  await expect(heading(page, 'Bob')).toBeVisible();
  expect(await landmarkViolations(page)).toEqual([]);
  expect(errors.list).toEqual([]);
});
