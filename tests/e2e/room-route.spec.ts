import { expect, type Page, test } from './fixtures';
import { aliceWithBobAndCarol, openChatWith, roomIdWith, send, settledAt, signUp, trackPageErrors } from './helpers';

const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const heading = (page: Page, name: string) => page.getByRole('heading', { name });

// The address follows the open conversation through the browser's pushState, which Next's router follows
// without fetching the page (the chat's pages render nothing of their own). So a switch costs no request,
// works offline, and no late answer for an earlier switch can take the conversation (or a reload) back.
test('switching conversations asks the server for no page, and quick switches leave the address on the last one chosen', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  const [bobRoom, carolRoom] = await Promise.all([roomIdWith(alice, bob.handle), roomIdWith(alice, carol.handle)]);
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));

  const pageRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/' || url.pathname.startsWith('/c/')) pageRequests.push(url.pathname + url.search);
  });
  for (const [name, roomId] of [['Carol', carolRoom], ['Bob', bobRoom], ['Carol', carolRoom], ['Bob', bobRoom]] as const) {
    await rooms(page).getByRole('button', { name: new RegExp(name) }).click();
    await expect(page).toHaveURL(new RegExp(`/c/${roomId}$`));
  }
  await expect(heading(page, 'Bob')).toBeVisible();
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));
  expect(pageRequests).toEqual([]);

  // Back goes through them in turn, without asking either.
  await page.goBack();
  await expect(heading(page, 'Carol')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/c/${carolRoom}$`));
  expect(pageRequests).toEqual([]);
  await page.reload();
  await expect(heading(page, 'Carol')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/c/${carolRoom}$`));
  expect(errors.list).toEqual([]);
});

// Entries pushed before a reload belong to the page that was: Back and Forward through several of them must
// still move the app along, and the app must go on following its own moves after them.
test('after a reload, Back through several earlier conversations and the list, then opening one, each shows what its address says', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  const [bobRoom, carolRoom] = await Promise.all([roomIdWith(alice, bob.handle), roomIdWith(alice, carol.handle)]);
  const empty = page.getByText('Pick a conversation or find someone to talk to.');
  await page.goto('/');
  await settledAt(page, '/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await settledAt(page, `/c/${bobRoom}`);
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await settledAt(page, `/c/${carolRoom}`);
  await page.reload();
  await expect(heading(page, 'Carol')).toBeVisible();

  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await settledAt(page, `/c/${bobRoom}`);
  await page.goBack();
  await expect(empty).toBeVisible();
  await settledAt(page, '/');
  await page.goForward();
  await expect(heading(page, 'Bob')).toBeVisible();
  await settledAt(page, `/c/${bobRoom}`);
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(heading(page, 'Carol')).toBeVisible();
  await settledAt(page, `/c/${carolRoom}`);
  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));
  expect(errors.list).toEqual([]);
});

// On a wide screen a first message to someone new opens beside the list while a conversation is open: it is
// a step like opening another conversation, so Back returns to the one it covered, not past it.
test('a first message to someone new, opened over a conversation, is a step: Back returns to that conversation, Forward and a reload reopen it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  const dave = await signUp(browser, 'dave', 'Dave', errors);
  const page = alice.page;
  const bobRoom = await roomIdWith(alice, bob.handle);
  const draft = page.getByRole('main', { name: 'Conversation with Dave' });
  await page.goto('/');
  await settledAt(page, '/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await settledAt(page, `/c/${bobRoom}`);
  await openChatWith(alice, dave.handle);
  await expect(draft).toBeVisible();
  await settledAt(page, '/');

  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(draft).toHaveCount(0);
  await settledAt(page, `/c/${bobRoom}`);
  await page.goForward();
  await expect(draft).toBeVisible();
  await page.reload();
  await expect(draft).toBeVisible();

  // Sent, the conversation takes the draft's place: Back is still Bob.
  await send(alice, 'hello Dave');
  await expect(page).toHaveURL(/\/c\//);
  await settledAt(page, new URL(page.url()).pathname);
  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));
  expect(errors.list).toEqual([]);
});

test('a link to a conversation you are not in says it is not available, and on a phone leads back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const theirs = await roomIdWith(alice, bob.handle);
  await carol.page.setViewportSize({ width: 390, height: 844 });
  await carol.page.goto(`/c/${theirs}`);
  await expect(carol.page.getByRole('status').filter({ hasText: 'This conversation is not available.' })).toBeVisible();
  await expect(carol.page).toHaveURL(new RegExp(`/c/${theirs}$`));
  // Nothing of theirs shows.
  await expect(carol.page.getByRole('list', { name: 'Messages' })).toHaveCount(0);
  await carol.page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(rooms(carol.page).getByRole('button', { name: /Alice/ })).toBeVisible();
  await expect(carol.page).toHaveURL(/\/$/);
  expect(errors.list).toEqual([]);
});
