import { api, connect, createUser, type TestSocket } from '../helpers/clients';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, postMessages, roomIdWith, send, trackPageErrors } from './helpers';

// What a screen reader is told of what happens in the open conversation: the "New messages" live log
// (components/chat/new-message-announcer.tsx) and the typing line (typing-indicator.tsx).
const log = (page: Page) => page.getByRole('log', { name: 'New messages' });
/** The lines the log holds, as a screen reader would come to them. */
const said = (page: Page) => log(page).evaluate((element) => (element as HTMLElement).innerText.split('\n').filter((line) => line.trim() !== ''));
const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

test('every new message is its own entry in the live log: the same words twice are read twice, a file by its name', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  await send(alice, 'are you coming?');
  await send(bob, 'ok');
  await expect.poll(() => said(alice.page)).toEqual(['Bob: ok']);
  // "ok" again a moment later: a new message, to be heard again.
  await send(bob, 'ok');
  await expect.poll(() => said(alice.page)).toEqual(['Bob: ok', 'Bob: ok']);

  await bob.page.getByLabel('Attach file').setInputFiles({ name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('the minutes') });
  await expect(bob.page.getByText('minutes.txt is ready to send.')).toBeAttached();
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => said(alice.page)).toEqual(['Bob: ok', 'Bob: ok', 'Bob: 📎 minutes.txt']);
  expect(errors.list).toEqual([]);
});

test('back online after missing many messages, the live log says how many came rather than reading each out', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const roomId = await roomIdWith(bob, alice.handle);
  await alice.page.context().setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await postMessages(bob, roomId, Array.from({ length: 12 }, (_, index) => `missed ${index + 1}`));
  await alice.page.context().setOffline(false);
  await expect(messages(alice.page)).toContainText('missed 12');
  await expect.poll(() => said(alice.page)).toEqual(['12 new messages from Bob']);
  // One more, as it comes: read out as usual.
  await send(bob, 'welcome back');
  await expect.poll(() => said(alice.page)).toEqual(['12 new messages from Bob', 'Bob: welcome back']);
  expect(errors.list).toEqual([]);
});

test('many people typing at once make one short line: two names and how many others', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const others = await Promise.all(['Carol', 'Dave', 'Erin', 'Frank'].map((name) => createUser(baseURL!, name.toLowerCase(), name)));
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Crowd', members: [bob.handle, ...others.map((user) => user.handle)] } });
  expect(created.status()).toBe(201);
  const roomId = (await created.json()).room.id as string;
  // Strangers to Alice are invited: they accept.
  for (const user of others) expect((await api(baseURL!, `/api/v1/invites/${roomId}/accept`, { method: 'POST', token: user.token })).status).toBe(200);
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Crowd/ }).click();
  const typing = alice.page.getByRole('status', { name: 'Typing' });
  const sockets: TestSocket[] = [];
  // Renewed as a typing client does (every 3 s at most), so no one's "is typing" runs out meanwhile.
  const renew = setInterval(() => sockets.forEach((socket) => socket.emit('typing', { roomId, typing: true })), 2_000);
  try {
    for (const [index, user] of others.entries()) {
      const socket = await connect(baseURL!, { token: user.token });
      sockets.push(socket);
      socket.emit('typing', { roomId, typing: true });
      // Named while there are three at most; then the first two and a count.
      const expected = ['Carol is typing…', 'Carol and Dave are typing…', 'Carol, Dave and Erin are typing…', 'Carol, Dave and 2 others are typing…'][index];
      await expect(typing).toHaveText(expected);
    }
    // One line, however long the names.
    const line = typing.locator('p');
    expect(await line.evaluate((element) => element.getBoundingClientRect().height)).toBeLessThan(24);
  } finally {
    clearInterval(renew);
    for (const socket of sockets) socket.close();
  }
  expect(errors.list).toEqual([]);
});

test("Alt+Shift+↓ to an unread conversation far down the list brings its entry into view", async ({ browser }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  // 24 groups with Bob (a contact, in at once). The first gets Bob's message; the rest get Alice's after
  // it, so the unread one is at the bottom of a list longer than the screen.
  const ids: string[] = [];
  for (let index = 0; index < 24; index++) {
    const created = await alice.page.request.post('/api/v1/groups', { data: { name: `Group ${index}`, members: [bob.handle] } });
    expect(created.status()).toBe(201);
    ids.push((await created.json()).room.id);
  }
  await postMessages(bob, ids[0], ['the unread one']);
  for (const id of ids.slice(1)) await postMessages(alice, id, ['mine']);
  // Nothing open: Alt+Shift+↓ goes from the top to the first unread.
  await alice.page.goto('/');
  const list = alice.page.getByRole('list', { name: 'Recent conversations' });
  const target = list.getByRole('button', { name: /Group 0\b/ });
  await expect(target).toBeAttached();
  await expect(target).not.toBeInViewport();
  await alice.page.keyboard.press('Alt+Shift+ArrowDown');
  await expect(alice.page.getByRole('heading', { name: 'Group 0', exact: true })).toBeVisible();
  await expect(target).toHaveAttribute('aria-current', 'true');
  await expect(target).toBeInViewport();
  expect(errors.list).toEqual([]);
});

test('the mention list says how many match when it shows only the first of them', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello Bob');
  const members = await Promise.all(Array.from({ length: 9 }, (_, index) => createUser(baseURL!, 'mem', `Member ${index}`)));
  const created = await alice.page.request.post('/api/v1/groups', { data: { name: 'Big table', members: [bob.handle, ...members.map((user) => user.handle)] } });
  expect(created.status()).toBe(201);
  const roomId = (await created.json()).room.id as string;
  for (const user of members) expect((await api(baseURL!, `/api/v1/invites/${roomId}/accept`, { method: 'POST', token: user.token })).status).toBe(200);
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Big table/ }).click();
  await expect(alice.page.getByText('11 members')).toBeVisible();
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially('@memb');
  await expect(alice.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option')).toHaveCount(8);
  await expect(alice.page.getByRole('status').filter({ hasText: 'people to mention' })).toHaveText(
    '8 of 9 people to mention: type more of the name to find the others; Up and Down to choose, Enter to pick.',
  );
  // Narrowed to what the list holds: the plain count.
  await box.fill('');
  await box.pressSequentially('@bo');
  await expect(alice.page.getByRole('status').filter({ hasText: 'to mention' })).toHaveText('1 person to mention: Up and Down to choose, Enter to pick.');
  expect(errors.list).toEqual([]);
});
