import { expect, type Page, test } from './fixtures';
import { acceptRequest, aliceWithBobAndCarol, openChatWith, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

test('a draft stays with its conversation across switches and a reload; Enter sends it only there', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  // Bob's address by his room's id: the page is still at Carol's (her request was accepted last) until
  // the router has followed the click, so reading the address after it would race.
  const bobUrl = new RegExp(`/c/${await roomIdWith(alice, bob.handle)}$`);
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(page).toHaveURL(bobUrl);
  await composer(page).fill('half-written for Bob');
  // An open panel does not follow into the next conversation either.
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await expect(page.getByRole('complementary', { name: 'Conversation details' })).toBeVisible();

  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(page.getByRole('heading', { name: 'Carol' })).toBeVisible();
  await expect(composer(page)).toHaveValue('');
  await expect(page.getByRole('complementary', { name: 'Conversation details' })).toHaveCount(0);
  await composer(page).fill('draft for Carol');

  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  // The address follows the switch a moment later (the router's navigation): reloading before it has
  // would reload Carol's, as reloading in the middle of any navigation does.
  await expect(page).toHaveURL(bobUrl);
  await page.reload();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(composer(page)).toHaveValue('draft for Carol');

  await composer(page).press('Enter');
  await expect(messages(carol.page)).toContainText('draft for Carol');
  await expect(composer(page)).toHaveValue('');
  // Sent, it is no longer a draft after a reload; Bob's is untouched and never went to Carol.
  await page.reload();
  await expect(composer(page)).toHaveValue('');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  await send(carol, 'sentinel from Carol');
  await expect(messages(carol.page)).toContainText('sentinel from Carol');
  await expect(messages(carol.page)).not.toContainText('half-written for Bob');
  await expect(messages(bob.page)).not.toContainText('draft for Carol');
  expect(errors.list).toEqual([]);
});

test('typing on while the first message to someone creates the conversation loses no keystroke', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  const page = alice.page;
  await composer(page).click();
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  // Keystrokes keep coming while the first message's acknowledgement creates the room and its address.
  const second = 'second message typed while the room appears';
  await page.keyboard.type(second, { delay: 40 });
  await expect(page).toHaveURL(/\/c\//);
  await expect(composer(page)).toHaveValue(second);
  await expect(composer(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await acceptRequest(bob, 'Alice');
  await expect(messages(bob.page)).toContainText('first');
  await expect(messages(bob.page)).toContainText(second);
  expect(errors.list).toEqual([]);
});
