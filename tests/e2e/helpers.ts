export { grantAdmin } from '../helpers/admin-cli';
import { type APIRequestContext, type BrowserContextOptions, request as newRequest } from '@playwright/test';
import { type Browser, expect, type Page } from './fixtures';

export const PASSWORD = 'correct horse battery';

/** A phone, as the layout and touch tests use it: the width of a common one, touch, and a mobile viewport. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

export const uniqueHandle = (prefix: string) => `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Script errors in any page, asserted empty at the end: a broken page can look right. */
export function trackPageErrors() {
  const list: string[] = [];
  return { list, watch: (page: Page) => page.on('pageerror', (error) => list.push(error.message)) };
}

/**
 * Signs a new user up in a browser context of their own, through the API and next-auth's own sign-in
 * (the same session cookie the form ends with), then opens the chat. auth-forms.spec covers the forms;
 * here typing into them would only cost every test a couple of page loads.
 */
export async function signUp(browser: Browser, prefix: string, displayName: string, errors?: ReturnType<typeof trackPageErrors>, options?: BrowserContextOptions) {
  const handle = uniqueHandle(prefix);
  const page = await (await browser.newContext(options)).newPage();
  errors?.watch(page);
  const created = await page.request.post('/api/v1/users', { data: { username: handle, displayName, password: PASSWORD } });
  if (!created.ok()) throw new Error(`sign-up of ${handle}: ${created.status()} ${await created.text()}`);
  return signInOn(page, handle);
}

/** The same person on another device: a browser context of its own, signed in, showing the chat. */
export async function anotherDevice(browser: Browser, handle: string, errors?: ReturnType<typeof trackPageErrors>, options?: BrowserContextOptions) {
  const page = await (await browser.newContext(options)).newPage();
  errors?.watch(page);
  return signInOn(page, handle);
}

async function signInOn(page: Page, handle: string) {
  const { csrfToken } = await (await page.request.get('/api/auth/csrf')).json();
  const signedIn = await page.request.post('/api/auth/callback/credentials', { form: { csrfToken, username: handle, password: PASSWORD, json: 'true' } });
  if (!signedIn.ok()) throw new Error(`sign-in of ${handle}: ${signedIn.status()} ${await signedIn.text()}`);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return { handle, page };
}

/**
 * Waits until the chat has taken in the address `path` (useRoomRoute notes it under LAST_CHAT_PATH_KEY, last, once it has seen the
 * history move): a browser Back pressed sooner would race the app's own history moves, as no hand can.
 */
export const settledAt = (page: Page, path: string) => expect.poll(() => page.evaluate(() => sessionStorage.getItem('relay:last-chat-path'))).toBe(path);

/** Opens the message request from someone (read-only until answered), accepts it, and stays in the conversation. */
export async function acceptRequest(user: { page: Page }, fromDisplayName: string) {
  const requests = user.page.getByRole('region', { name: 'Message requests' });
  await expect(requests).toContainText(fromDisplayName);
  await requests.getByRole('button', { name: new RegExp(fromDisplayName) }).click();
  await user.page.getByRole('region', { name: 'Message request', exact: true }).getByRole('button', { name: 'Accept' }).click();
  await expect(user.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
}

/** Types a message into the open conversation and sends it. */
export async function send(user: { page: Page }, body: string) {
  await user.page.getByRole('textbox', { name: 'Message' }).fill(body);
  // Exact: a first message waiting to go is listed as "… Waiting to send", a button too.
  await user.page.getByRole('button', { name: 'Send', exact: true }).click();
}

/**
 * Alice and Bob, each signed in in a browser of their own; Alice writes first (a message request) and
 * Bob accepts it, so both have the conversation open.
 */
export async function acceptedChat(browser: Browser, errors: ReturnType<typeof trackPageErrors>, firstMessage: string) {
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, firstMessage);
  await acceptRequest(bob, 'Alice');
  return { alice, bob };
}

/** Alice on a phone, with a message request from Bob on a laptop (Bob's first message is `firstMessage`). */
export async function aliceOnPhoneAskedByBob(browser: Browser, errors: ReturnType<typeof trackPageErrors>, firstMessage = 'hello Alice') {
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(bob, alice.handle);
  await send(bob, firstMessage);
  return { alice, bob };
}

/** Finds someone by handle and opens the conversation with them. */
export async function openChatWith(user: { page: Page }, handle: string) {
  await user.page.getByLabel('Find people').fill(handle);
  await user.page.getByRole('button', { name: new RegExp(handle) }).click();
}

/** The id of the caller's conversation whose members include `handle`, over the REST API. */
export async function roomIdWith(user: { page: Page }, handle: string): Promise<string> {
  const { rooms } = await (await user.page.request.get('/api/v1/rooms')).json();
  return rooms.find((room: { members: { handle: string }[] }) => room.members.some((member) => member.handle === handle)).id;
}

/** Posts messages over REST, in order (the e2e server's send bucket is large enough). */
export async function postMessages(user: { page: Page }, roomId: string, bodies: string[]) {
  for (const body of bodies) {
    const response = await user.page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { clientMsgId: crypto.randomUUID(), body } });
    expect(response.status()).toBe(201);
  }
}

/** Nothing on the page scrolls sideways. */
/** Reports the message showing `text` through its actions menu, as a reader does, giving `reason`. */
export async function reportMessage(page: Page, text: string, reason: string) {
  const reported = page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]', { hasText: text });
  await reported.getByRole('button', { name: 'Message actions' }).click();
  await reported.getByRole('button', { name: 'Report message' }).click();
  await reported.getByLabel('Reason for reporting').fill(reason);
  await reported.getByRole('button', { name: 'Send report' }).click();
  await expect(reported).toContainText('Reported');
}

export async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page ${page.url()} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
}

/** Alice, and Bob and Carol who each wrote to her first and whose requests she accepted: two direct chats in her list. */
export async function aliceWithBobAndCarol(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  for (const [friend, name] of [[bob, 'Bob'], [carol, 'Carol']] as const) {
    await openChatWith(friend, alice.handle);
    await send(friend, `hello from ${friend.handle}`);
    await acceptRequest(alice, name);
  }
  return { alice, bob, carol };
}

/** Another tab of the same browser (same storage and session), showing the conversation named `name`. */
export async function otherTab(page: Page, name: string, errors: ReturnType<typeof trackPageErrors>) {
  const tab = await page.context().newPage();
  errors.watch(tab);
  await tab.goto('/');
  await tab.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: new RegExp(name) }).click();
  return tab;
}

/**
 * Holds the page's GET of `pathname` with `?q=<words>` until released: a slow answer on demand. `asked`
 * resolves when the page asks, `answered` when the answer has come back.
 */
export async function holdSearch(page: Page, pathname: string, words: string) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const matches = (url: URL) => url.pathname === pathname && url.searchParams.get('q') === words;
  await page.route(matches, async (route) => {
    await held;
    await route.continue();
  });
  const asked = page.waitForRequest((request) => matches(new URL(request.url())));
  const answered = page.waitForResponse((response) => matches(new URL(response.url())));
  return { asked, answered, release };
}

/** A user signed in over the API only (no browser page): a cheap member for a big group. */
export async function apiUser(baseURL: string, prefix: string, displayName: string): Promise<{ handle: string; api: APIRequestContext }> {
  const handle = uniqueHandle(prefix);
  const api = await newRequest.newContext({ baseURL });
  expect((await api.post('/api/v1/users', { data: { username: handle, displayName, password: PASSWORD } })).status()).toBe(201);
  const { csrfToken } = await (await api.get('/api/auth/csrf')).json();
  expect((await api.post('/api/auth/callback/credentials', { form: { csrfToken, username: handle, password: PASSWORD, json: 'true' } })).ok()).toBe(true);
  return { handle, api };
}

/** A group `owner` starts with API users, who each accept the invite; its id. */
export async function groupWith(owner: { page: Page }, name: string, members: { handle: string; api: APIRequestContext }[]) {
  const created = await owner.page.request.post('/api/v1/groups', { data: { name, members: members.map((member) => member.handle) } });
  expect(created.status()).toBe(201);
  const { room } = await created.json();
  for (const member of members) expect((await member.api.post(`/api/v1/invites/${room.id}/accept`)).ok()).toBe(true);
  return room.id as string;
}
