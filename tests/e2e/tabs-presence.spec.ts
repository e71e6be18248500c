import { expect, test } from './fixtures';
import { acceptedChat, acceptRequest, openChatWith, send, signUp, trackPageErrors } from './helpers';

test('two tabs of one user stay in step, and the other user sees presence change live', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  // Another app on the same host planted a cookie that is not valid percent-encoding: every page load,
  // REST call and socket handshake of alice's from here on carries it and must not mind.
  await alice.page.context().addCookies([{ name: 'other_app', value: '%E0%A4', url: baseURL! }]);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const aliceTab2 = await alice.page.context().newPage();
  errors.watch(aliceTab2);
  await aliceTab2.goto('/');

  await openChatWith(bob, alice.handle);
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('hello, it is bob');
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
  // The first message is a request; once alice accepts, the two are contacts.
  await acceptRequest({ page: aliceTab2 }, 'Bob');
  // Opening it read it: wait until bob is told, so the reloads below cannot cut the read short.
  await expect(bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').last()).toContainText('Read');
  await aliceTab2.goto('/');
  await alice.page.goto('/');
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('ping from bob');
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();

  const badge = (page: typeof aliceTab2) => page.getByRole('list', { name: 'Recent conversations' }).locator('[aria-label="1 unread"]');
  await expect(badge(alice.page)).toBeVisible();
  await expect(badge(aliceTab2)).toBeVisible();

  // Reading in one tab clears the badge in the other.
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).click();
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('ping from bob');
  await expect(badge(aliceTab2)).toHaveCount(0);
  await expect(bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').last()).toContainText('Read');

  // Bob sees alice online while any tab is open, and "last seen" once both are closed. Carol, another
  // contact of Bob's, closes her only tab just after alice closes one: once Bob sees Carol offline, a
  // wrong offline for alice (her grace began first) would have shown too.
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await openChatWith(carol, bob.handle);
  await send(carol, 'hi bob, carol here');
  await acceptRequest(bob, 'Carol');
  const carolDot = bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Carol/ }).getByLabel(/^(online|offline)$/);
  await expect(carolDot).toHaveAttribute('aria-label', 'online');
  await bob.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Alice/ }).click();
  const presence = bob.page.getByLabel('Presence', { exact: true });
  await expect(presence).toHaveText(/Online/);
  await aliceTab2.close();
  await carol.page.close();
  await expect(carolDot).toHaveAttribute('aria-label', 'offline');
  await expect(presence).toHaveText(/Online/);
  await alice.page.close();
  await expect(presence).toHaveText(/Last seen/);

  const aliceBack = await alice.page.context().newPage();
  errors.watch(aliceBack);
  await aliceBack.goto('/');
  await expect(presence).toHaveText(/Online/);

  // Typing shows in the other user's conversation and goes away by itself.
  // Said in a live region that was on the page before (one added with its words is often not read).
  const typing = bob.page.getByRole('status', { name: 'Typing' });
  await expect(typing).toBeAttached();
  await aliceBack.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).click();
  await aliceBack.getByRole('textbox', { name: 'Message' }).pressSequentially('typing…');
  // By name, as everywhere else, not by handle.
  await expect(bob.page.getByText('Alice is typing…', { exact: true })).toBeVisible();
  await expect(typing).toHaveText('Alice is typing…');
  await expect(bob.page.getByText('Alice is typing…', { exact: true })).toHaveCount(0, { timeout: 15_000 });
  expect(errors.list).toEqual([]);
});

// A block passes no presence either way (docs/protocol.md): the person blocked must not go on seeing the
// blocker "online" from before, for good; unblocked, each sees the other's status again, without a reload.
test('blocking someone stops both seeing the other online, and unblocking shows it again', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello bob');
  const dot = (page: typeof alice.page, name: RegExp) =>
    page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name }).getByLabel(/^(online|offline|presence unknown)$/);
  await expect(dot(bob.page, /Alice/)).toHaveAttribute('aria-label', 'online');
  await expect(dot(alice.page, /Bob/)).toHaveAttribute('aria-label', 'online');

  expect((await alice.page.request.post('/api/v1/blocks', { data: { handle: bob.handle } })).status()).toBe(201);
  await expect(dot(bob.page, /Alice/)).toHaveAttribute('aria-label', 'presence unknown');
  await expect(dot(alice.page, /Bob/)).toHaveAttribute('aria-label', 'presence unknown');

  expect((await alice.page.request.delete(`/api/v1/blocks/${bob.handle}`)).ok()).toBe(true);
  await expect(dot(bob.page, /Alice/)).toHaveAttribute('aria-label', 'online');
  await expect(dot(alice.page, /Bob/)).toHaveAttribute('aria-label', 'online');
  expect(errors.list).toEqual([]);
});
