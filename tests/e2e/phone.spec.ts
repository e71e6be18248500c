import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from './fixtures';
import { acceptRequest, aliceOnPhoneAskedByBob, aliceWithBobAndCarol, openChatWith, roomIdWith, send, settledAt, signUp, trackPageErrors, PHONE } from './helpers';

const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const heading = (page: Page, title: string) => page.getByRole('main', { name: `Conversation with ${title}` }).getByRole('heading', { name: title });

/** axe's landmark rules: one main landmark, top level, and everything in a landmark, whatever the screen shows. */
async function landmarkViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withRules(['landmark-one-main', 'landmark-no-duplicate-main', 'landmark-main-is-top-level', 'landmark-complementary-is-top-level', 'landmark-unique', 'region'])
    .analyze();
  return violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('the conversation list is the main landmark on a phone when no conversation is open, and a conversation is the one main when it is', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceOnPhoneAskedByBob(browser, errors);
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

test('on a phone, accepting a message request leaves focus in the conversation (its heading), not on the page', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceOnPhoneAskedByBob(browser, errors);
  const page = alice.page;
  await page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Bob/ }).click();
  const accept = page.getByRole('region', { name: 'Message request', exact: true }).getByRole('button', { name: 'Accept' });
  await accept.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await expect(heading(page, 'Bob')).toBeFocused();
  expect(errors.list).toEqual([]);
});

/** Alice on a phone, with Bob's conversation accepted, back at her list. */
async function aliceOnPhoneWithBob(browser: Parameters<typeof signUp>[0], errors: ReturnType<typeof trackPageErrors>) {
  const { alice, bob } = await aliceOnPhoneAskedByBob(browser, errors);
  const page = alice.page;
  await page.getByRole('region', { name: 'Message requests' }).getByRole('button', { name: /Bob/ }).click();
  await page.getByRole('region', { name: 'Message request', exact: true }).getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  return { page, bob };
}

/** Alice on a phone in her conversation with Bob, opened from the list once the app had taken in `/`. */
async function aliceInBobFromList(browser: Parameters<typeof signUp>[0], errors: ReturnType<typeof trackPageErrors>) {
  const { page } = await aliceOnPhoneWithBob(browser, errors);
  const entry = rooms(page).getByRole('button', { name: /Bob/ });
  await settledAt(page, '/');
  await entry.click();
  return { page, entry, roomPath: new URL(page.url()).pathname };
}

test('on a phone, opening a conversation from the list takes focus into it (its heading), where the list that had it went away', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, bob } = await aliceOnPhoneWithBob(browser, errors);
  await rooms(page).getByRole('button', { name: /Bob/ }).focus();
  await page.keyboard.press('Enter');
  await expect(heading(page, 'Bob')).toBeFocused();
  // The next stop is the conversation's own controls, not the top of the page.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Conversation details' })).toBeFocused();
  // Found through Find people, too.
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await openChatWith({ page }, bob.handle);
  await expect(heading(page, 'Bob')).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('on a phone, Back (the conversation’s button or the browser’s) returns focus to that conversation in the list', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await aliceOnPhoneWithBob(browser, errors);
  const entry = rooms(page).getByRole('button', { name: /Bob/ });
  await entry.click();
  await page.getByRole('button', { name: 'Back to conversations' }).focus();
  await page.keyboard.press('Enter');
  await expect(entry).toBeFocused();

  await settledAt(page, '/');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await settledAt(page, new URL(page.url()).pathname);
  await page.goBack();
  await expect(entry).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('on a phone, Back from a conversation opened from search results returns focus to that result', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await aliceOnPhoneWithBob(browser, errors);
  await page.getByLabel('Search messages').fill('hello');
  await page.getByLabel('Search messages').press('Enter');
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /hello Alice/ });
  await result.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Messages' }).locator('li[data-highlight="jump"]')).toBeFocused();
  await page.getByRole('button', { name: 'Back to conversations' }).focus();
  await page.keyboard.press('Enter');
  await expect(result).toBeFocused();

  await settledAt(page, '/');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Messages' }).locator('li[data-highlight="jump"]')).toBeFocused();
  await expect(page).toHaveURL(/\/c\//);
  await settledAt(page, new URL(page.url()).pathname);
  await page.goBack();
  await expect(result).toBeFocused();
  expect(errors.list).toEqual([]);
});

// "Back to conversations" goes back in the history, which lands a moment later: a conversation opened before
// it lands must still open, and stay the entry the next Back leaves.
test('on a phone, a conversation opened again right after Back to conversations opens, and Back then returns to the list', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, entry, roomPath } = await aliceInBobFromList(browser, errors);
  // Opened again in the same task as the Back, once what it set off has run, and as the history lands.
  for (const when of ['at once', 'after a microtask', 'on popstate'] as const) {
    await settledAt(page, roomPath);
    const length = await page.evaluate(() => history.length);
    await page.evaluate(async (when) => {
      const landed = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
      document.querySelector<HTMLButtonElement>('button[aria-label="Back to conversations"]')!.click();
      // Going back leaves the address as it is until the history lands.
      if (location.pathname === '/') throw new Error('Back to conversations added an entry instead of going back');
      if (when === 'after a microtask') await Promise.resolve();
      if (when === 'on popstate') await landed;
      const entries = document.querySelectorAll<HTMLButtonElement>('ul[aria-label="Recent conversations"] button');
      [...entries].find((button) => button.textContent?.includes('Bob'))!.click();
      await landed;
    }, when);
    await expect(page).toHaveURL(new RegExp(`${roomPath}$`));
    await expect(heading(page, 'Bob')).toBeVisible();
    await settledAt(page, roomPath);
    // The list's entry, then the conversation's again: not one more.
    expect(await page.evaluate(() => history.length)).toBe(length);
    await page.goBack();
    await expect(entry).toBeFocused();
    await expect(page).toHaveURL(/\/$/);
    await settledAt(page, '/');
    await entry.click();
  }
  expect(errors.list).toEqual([]);
});

test('on a phone, Back to conversations after a reload still goes back to the list’s entry, so Back then does not reopen it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, entry, roomPath } = await aliceInBobFromList(browser, errors);
  // Only once the app has taken in the address does it know the conversation was opened from the list.
  await settledAt(page, roomPath);
  const length = await page.evaluate(() => history.length);
  await page.reload();
  await expect(heading(page, 'Bob')).toBeVisible();
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(entry).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  // Went back rather than adding an entry: the conversation is ahead (Forward), not behind.
  expect(await page.evaluate(() => history.length)).toBe(length);
  await settledAt(page, '/');
  await page.goForward();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${roomPath}$`));
  expect(errors.list).toEqual([]);
});

// The details panel covers the conversation on a phone: the system's Back closes it, as it would any screen.
test('on a phone, Back with the details panel open closes the panel, not the conversation, and closing it on the page leaves no step for Back', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, entry, roomPath } = await aliceInBobFromList(browser, errors);
  await settledAt(page, roomPath);
  const detailsButton = page.getByRole('button', { name: 'Conversation details' });
  const panel = page.getByRole('complementary', { name: 'Conversation details' });
  const panelStep = () => page.evaluate(() => history.state?.['relay:panel']);
  await detailsButton.click();
  await expect(panel).toBeVisible();
  await page.goBack();
  await expect(panel).toHaveCount(0);
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${roomPath}$`));
  await expect(detailsButton).toBeFocused();
  await page.goForward();
  await expect(panel).toBeVisible();

  // Closed on the page (its button, then Escape), it goes back over its step, so the next Back is the list's.
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(panel).toHaveCount(0);
  await expect(detailsButton).toBeFocused();
  await detailsButton.click();
  await expect(panel).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(detailsButton).toBeFocused();
  // Its step back lands a moment later (the history moves asynchronously).
  await expect.poll(panelStep).toBeUndefined();
  await page.goBack();
  await expect(entry).toBeFocused();
  await expect(page).toHaveURL(/\/$/);

  // A reload on the panel's step shows the panel again, and Back still closes only the panel.
  await settledAt(page, '/');
  await page.goForward();
  await expect(heading(page, 'Bob')).toBeVisible();
  await detailsButton.click();
  await expect.poll(panelStep).toBeDefined();
  await page.reload();
  await expect(panel).toBeVisible();
  await page.goBack();
  await expect(panel).toHaveCount(0);
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${roomPath}$`));
  // Then on back through entries from before the reload: the list, and Bob's conversation opened from it.
  await settledAt(page, roomPath);
  await page.goBack();
  await expect(entry).toBeVisible();
  await settledAt(page, '/');
  await entry.click();
  await expect(heading(page, 'Bob')).toBeVisible();
  await settledAt(page, roomPath);
  expect(errors.list).toEqual([]);
});

test('on a phone, a conversation opened from the details panel (a third person added) replaces the panel’s step: Back returns to the conversation without it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, roomPath } = await aliceInBobFromList(browser, errors);
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await settledAt(page, roomPath);
  await page.getByRole('button', { name: 'Conversation details' }).click();
  const panel = page.getByRole('complementary', { name: 'Conversation details' });
  await panel.getByLabel('Handle to add').fill(carol.handle);
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Alice, Bob, Carol' })).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(`${roomPath}$`));
  await settledAt(page, new URL(page.url()).pathname);
  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${roomPath}$`));
  await expect(panel).toHaveCount(0);
  await settledAt(page, roomPath);
  await page.goBack();
  await expect(rooms(page).getByRole('button', { name: /Bob/ }).filter({ hasNotText: 'Carol' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('on a phone, a first message to someone new is a step of its own: Back closes it, not the app; Forward and a reload open it again; sent, it becomes the conversation', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const dave = await signUp(browser, 'dave', 'Dave', errors);
  const page = alice.page;
  const draft = page.getByRole('main', { name: 'Conversation with Dave' });
  const findPeople = page.getByLabel('Find people');
  await settledAt(page, '/');
  await openChatWith(alice, dave.handle);
  await expect(draft).toBeVisible();
  await page.goBack();
  await expect(draft).toHaveCount(0);
  await expect(findPeople).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await page.goForward();
  await expect(draft).toBeVisible();
  await page.reload();
  await expect(draft).toBeVisible();

  await send(alice, 'hello Dave');
  await expect(page).toHaveURL(/\/c\//);
  await settledAt(page, new URL(page.url()).pathname);
  // The conversation took the draft's place: Back is the list.
  await page.goBack();
  await expect(findPeople).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(draft).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

/** Alice on a phone, in a group she started from her conversation with Bob (Add person), which she then leaves. */
async function aliceLeftNewGroup(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await page.setViewportSize(PHONE.viewport);
  const bobPath = `/c/${await roomIdWith(alice, bob.handle)}`;
  await page.goto('/');
  await settledAt(page, '/');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await settledAt(page, bobPath);
  const panel = page.getByRole('complementary', { name: 'Conversation details' });
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await panel.getByLabel('Handle to add').fill(carol.handle);
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Alice, Bob, Carol' })).toBeVisible();
  // The group shows before the address moves to it (the panel's step is left first, asynchronously).
  await expect(page).not.toHaveURL(new RegExp(`${bobPath}$`));
  const groupPath = new URL(page.url()).pathname;
  await settledAt(page, groupPath);
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await panel.getByRole('button', { name: 'Leave group' }).click();
  await panel.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(page.getByText('You are no longer in Alice, Bob, Carol.')).toBeVisible();
  await settledAt(page, '/');
  return { page, bobPath, carol };
}

test('on a phone, Back after leaving a group does not return to the group left', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, bobPath } = await aliceLeftNewGroup(browser, errors);
  // The group's address shows nothing any more: leaving took its place in the history.
  await page.goBack();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${bobPath}$`));
  await expect(page.getByText('This conversation is not available.')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('on a phone, Back to conversations from “You are no longer in …” or “not available” leaves focus in the list, not on the page', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page, bobPath, carol } = await aliceLeftNewGroup(browser, errors);
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(rooms(page).getByRole('button').first()).toBeFocused();

  // Carol follows a link to Alice and Bob's conversation, which is not hers.
  await carol.page.setViewportSize(PHONE.viewport);
  await carol.page.goto(bobPath);
  await expect(carol.page.getByText('This conversation is not available.')).toBeVisible();
  await carol.page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(rooms(carol.page).getByRole('button').first()).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('losing the connection and getting it back are both said in a live region that was on the page before, so screen readers read them', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await aliceOnPhoneWithBob(browser, errors);
  type Marked = Window & { statusBefore?: Element[] };
  const wasThere = (element: Element) => ((window as Marked).statusBefore ?? []).includes(element);
  // A live region put on the page together with its words is often not read at all: it must be there first.
  await page.evaluate(() => ((window as Marked).statusBefore = [...document.querySelectorAll('[role="status"]')]));
  await page.context().setOffline(true);
  const offline = page.getByRole('status').filter({ hasText: 'Offline' });
  await expect(offline).toBeVisible();
  expect(await offline.evaluate(wasThere)).toBe(true);
  await page.context().setOffline(false);
  const back = page.getByRole('status').filter({ hasText: 'Back online' });
  await expect(back).toHaveCount(1, { timeout: 20_000 });
  expect(await back.evaluate(wasThere)).toBe(true);
  await expect(offline).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('the conversation list has a heading of its own, so its sections’ headings follow in order (screen readers’ heading navigation)', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await aliceOnPhoneWithBob(browser, errors);
  await expect(page.getByRole('heading', { name: 'Contacts' })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withRules(['heading-order', 'page-has-heading-one']).analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  await expect(page.getByRole('complementary', { name: 'Conversations' }).getByRole('heading', { level: 2, name: 'Conversations' })).toHaveCount(1);
  expect(errors.list).toEqual([]);
});

test('on a phone, every control of the list screen and of a conversation is at least 24 px each way, for a thumb (WCAG 2.2 target size)', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  await send(alice, 'hello Bob');
  // The first message made the conversation, which took the draft's place (a draft is a step at `/`).
  await expect(alice.page).toHaveURL(/\/c\//);
  /**
   * Buttons, links and fields shown on screen smaller than 24 px in either direction, by their accessible
   * text. Those drawn 1 px (for screen readers and keyboards only, as a skip link until focused) are not
   * touched.
   */
  const small = (page: Page) =>
    page.locator('button:visible, a[href]:visible, input:visible, select:visible').evaluateAll((controls) =>
      controls
        .filter((control) => {
          const box = control.getBoundingClientRect();
          return box.width > 1 && box.height > 1 && (box.width < 24 || box.height < 24);
        })
        .map((control) => `${control.tagName.toLowerCase()} "${control.getAttribute('aria-label') ?? control.textContent?.trim()}"`),
    );
  await alice.page.goto('/');
  await expect(rooms(alice.page).getByRole('button', { name: /Bob/ })).toBeVisible();
  // The contacts come a moment after the list: measured before them, their buttons went unmeasured.
  await expect(alice.page.getByRole('region', { name: 'Contacts' }).getByRole('button', { name: 'Bob' })).toBeVisible();
  expect(await small(alice.page)).toEqual([]);
  await rooms(alice.page).getByRole('button', { name: /Bob/ }).click();
  await expect(heading(alice.page, 'Bob')).toBeVisible();
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('hello Bob');
  expect(await small(alice.page)).toEqual([]);
  expect(errors.list).toEqual([]);
});

test('on a phone, ten files with long names keep the message box and Send on the screen: the list of files scrolls', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice } = await aliceOnPhoneAskedByBob(browser, errors, 'hi');
  await acceptRequest(alice, 'Bob');
  const files = Array.from({ length: 10 }, (_, index) => ({ name: `${index}-${'scan-of-the-signed-contract-page-'.repeat(3)}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`f${index}`) }));
  await alice.page.getByLabel('Attach file').setInputFiles(files);
  const list = alice.page.getByRole('list', { name: 'Files to send' });
  await expect(list.getByText('Ready')).toHaveCount(10);
  const { height } = alice.page.viewportSize()!;
  for (const control of [alice.page.getByRole('button', { name: 'Send', exact: true }), alice.page.getByRole('textbox', { name: 'Message' })]) {
    const box = (await control.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(height);
  }
  // The app is one screen high: the page itself does not scroll, the list does, and its last file is reached.
  expect(await alice.page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeLessThanOrEqual(height);
  const last = list.getByRole('button', { name: new RegExp(`^Remove 9-`) });
  await last.focus();
  await expect(last).toBeInViewport();
  expect(errors.list).toEqual([]);
});
