import { expect, test } from './fixtures';
import { acceptedChat, acceptRequest, openChatWith, send, signUp, trackPageErrors } from './helpers';

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
