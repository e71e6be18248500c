import { expect, type Page, test } from './fixtures';
import { acceptedChat, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const offlineBanner = (page: Page) => page.getByRole('status').filter({ hasText: 'Offline' });

test('a reader whose connection dropped gets every missed message once, in order, even when a live one lands first', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'before the outage');
  await expect(messages(bob.page)).toContainText('before the outage');
  const rooms = await (await alice.page.request.get('/api/v1/rooms')).json();
  const roomId: string = rooms.rooms.find((room: { members: { handle: string }[] }) => room.members.some((m) => m.handle === bob.handle)).id;
  const sendOverRest = async (clientMsgId: string, body: string) =>
    expect((await alice.page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId, body } })).status()).toBe(201);

  // Bob's connection drops while the conversation is open; Alice goes on writing.
  await bob.page.context().setOffline(true);
  await expect(offlineBanner(bob.page)).toBeVisible();
  for (let index = 1; index <= 5; index += 1) await sendOverRest(`missed-${index}`, `missed ${index}`);

  // On reconnect the room list is slow to come, so the next live message arrives before the
  // catch-up starts: the client must still fetch what it missed, not skip to the live one.
  // The list is held back until the page's socket has received the live message.
  // Its answer is also counted before Bob reads the live message, and lands after the server's
  // `unread` push for that read: the read messages must not come back as unread.
  let liveArrived = () => {};
  let readCounted = () => {};
  const arrived = new Promise<void>((resolve) => (liveArrived = resolve));
  const counted = new Promise<void>((resolve) => (readCounted = resolve));
  bob.page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (String(payload).includes('live after reconnect')) liveArrived();
      if (/^42\["unread",\{[^}]*"count":0/.test(String(payload))) readCounted();
    }),
  );
  await bob.page.route('**/api/v1/rooms', async (route) => {
    const stale = await route.fetch();
    await arrived;
    await counted;
    await route.fulfill({ response: stale });
  });
  await bob.page.context().setOffline(false);
  await expect(offlineBanner(bob.page)).toHaveCount(0, { timeout: 20_000 });
  await sendOverRest('live-1', 'live after reconnect');

  const bodies = messages(bob.page).locator('li[data-seq] p.whitespace-pre-wrap');
  const expected = ['before the outage', 'missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5', 'live after reconnect'];
  await expect(bodies).toHaveText(expected);
  const seqs = await messages(bob.page).locator('li[data-seq]').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-seq'))));
  expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);

  // Everything was shown, so everything is read: Alice sees it, and Bob has no badge left.
  await expect(messages(alice.page).locator('li[data-seq]').last()).toContainText('Read');
  await expect(bob.page.getByRole('list', { name: 'Recent conversations' }).locator('[aria-label$="unread"]')).toHaveCount(0);
  await bob.page.unrouteAll({ behavior: 'wait' });
  expect(errors.list).toEqual([]);
});
