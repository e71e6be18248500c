import { expect, test } from './fixtures';
import { acceptedChat, acceptRequest, groupWith, openChatWith, send, signUp, trackPageErrors } from './helpers';

const rooms = (page: import('./fixtures').Page) => page.getByRole('list', { name: 'Recent conversations' });

test('"is typing" follows the typer from one conversation to the next: shown in the second at once, gone from the first when they leave it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(carol, bob.handle);
  await send(carol, 'hi bob, carol here');
  await acceptRequest(bob, 'Carol');

  // Bob writes a word to Carol, then goes to Alice's conversation and writes to her straight away.
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('hm');
  await expect(carol.page.getByText('Bob is typing…', { exact: true })).toBeVisible();
  await rooms(bob.page).getByRole('button', { name: /Alice/ }).click();
  // Carol's indicator goes when he leaves (his draft stays), well before it would lapse (6 s unrenewed).
  await expect(carol.page.getByText('Bob is typing…', { exact: true })).toHaveCount(0, { timeout: 3_000 });
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('ok');
  await expect(alice.page.getByText('Bob is typing…', { exact: true })).toBeVisible();
  await rooms(bob.page).getByRole('button', { name: /Carol/ }).click();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toHaveValue('hm');
  expect(errors.list).toEqual([]);
});

test('a member removed from a group while typing is no longer shown typing there', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  const groupId = await groupWith(alice, 'Crew', [{ handle: carol.handle, api: carol.page.request }]);
  for (const user of [alice, carol]) await rooms(user.page).getByRole('button', { name: /Crew/ }).click();

  await carol.page.getByRole('textbox', { name: 'Message' }).pressSequentially('one more thing');
  const typing = alice.page.getByRole('status', { name: 'Typing' });
  await expect(typing).toHaveText('Carol is typing…');
  expect((await alice.page.request.delete(`/api/v1/groups/${groupId}/users/${carol.handle}`)).status()).toBe(200);
  // Gone with her membership, well before the signal would lapse (6 s unrenewed): her client cannot say she stopped.
  await expect(typing).toHaveText('', { timeout: 3_000 });
  expect(errors.list).toEqual([]);
});
