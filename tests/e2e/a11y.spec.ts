import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import sharp from 'sharp';
import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, grantAdmin, openChatWith, PHONE, send, signUp, trackPageErrors } from './helpers';

// SCREENSHOTS_DIR=docs/screenshots also saves each screen checked here (both sizes, light and dark).
const shots = process.env.SCREENSHOTS_DIR;
if (shots) mkdirSync(shots, { recursive: true });

async function check(page: Page, name: string) {
  // A client-side navigation swaps the page's <title> as it commits: check the page once it has one.
  await expect(page, name).toHaveTitle(/Relay$/);
  // A palette PNG keeps the whole set small (a few MB at most).
  if (shots) await sharp(await page.screenshot()).png({ palette: true, colours: 96, compressionLevel: 9 }).toFile(`${shots}/${name}.png`);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious, name).toEqual([]);
}

const sizes = [
  { size: 'desktop', viewport: { width: 1280, height: 800 } },
  { size: 'phone', viewport: { width: 390, height: 844 } },
];

test('axe: sign-in, chat (desktop and narrow, light and dark), settings and admin have no serious or critical violations', async ({ browser }) => {
  test.setTimeout(1_200_000);
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await grantAdmin(alice.handle);
  await openChatWith(bob, alice.handle);
  await send(bob, 'Hi Alice! Are we still on for Saturday? https://example.com/plan');
  await acceptRequest(alice, 'Bob');
  await send(alice, 'Yes! See you at ten.');
  await expect(alice.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').last()).toContainText('Read');
  // In her own bubbles: a mention of someone else, a file's size, and a message she deleted.
  await alice.page.getByLabel('Attach file').setInputFiles({ name: 'route.txt', mimeType: 'text/plain', buffer: Buffer.from('north, then east') });
  await expect(alice.page.getByText('route.txt is ready to send.')).toBeAttached();
  await send(alice, `The route, @${bob.handle}`);
  await send(alice, 'never mind this one');
  const mistaken = alice.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').filter({ hasText: 'never mind this one' });
  await mistaken.getByRole('button', { name: 'Message actions' }).click();
  await mistaken.getByRole('button', { name: 'Delete', exact: true }).click();
  await mistaken.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(alice.page.getByRole('list', { name: 'Messages' })).toContainText('Message deleted');
  // A mention of the reader is highlighted: it must read in both themes.
  await send(bob, 'Great, I will bring the maps, @' + alice.handle + '.');
  const cookies = await alice.page.context().cookies();

  for (const { size, viewport } of sizes) {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      errors.watch(page);
      const tag = `${size}-${scheme}`;
      await page.goto('/signin');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await check(page, `signin-${tag}`);
      await context.addCookies(cookies);
      await page.goto('/');
      const rooms = page.getByRole('list', { name: 'Recent conversations' });
      await expect(rooms.getByRole('button', { name: /Bob/ })).toBeVisible();
      await check(page, `chat-list-${tag}`);
      // One top heading, on a phone too (axe's page-has-heading-one, a best practice the check above leaves out).
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Relay');
      await rooms.getByRole('button', { name: /Bob/ }).click();
      await expect(page.getByRole('list', { name: 'Messages' })).toContainText('bring the maps');
      await check(page, `chat-conversation-${tag}`);
      // A reply written offline waits in the outbox with its quote.
      // Bob's message (replies from earlier rounds quote it too).
      const last = page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').filter({ hasText: 'bring the maps' }).first();
      await context.setOffline(true);
      await last.getByRole('button', { name: 'Message actions' }).click();
      await last.getByRole('button', { name: 'Reply', exact: true }).click();
      await page.getByRole('textbox', { name: 'Message' }).fill(`Thanks (${tag})`);
      await page.getByRole('textbox', { name: 'Message' }).press('Enter');
      await expect(page.locator('li[data-outbox]').filter({ hasText: `Thanks (${tag})` })).toContainText('Waiting for connection');
      await check(page, `chat-outbox-reply-${tag}`);
      await context.setOffline(false);
      await expect(page.locator('li[data-outbox]')).toHaveCount(0);
      await page.getByRole('button', { name: 'Conversation details' }).click();
      await check(page, `chat-details-${tag}`);
      await page.goto('/settings');
      await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
      await expect(page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').first()).toBeVisible();
      await check(page, `settings-${tag}`);
      await page.goto('/admin');
      await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
      await check(page, `admin-${tag}`);
      await context.close();
    }
  }
  expect(errors.list).toEqual([]);
});

test('saving or turning off quiet hours is said in words, in a live region that was there before, on a phone too', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'alice', 'Alice', errors, PHONE);
  await page.goto('/settings');
  const panel = page.getByRole('region', { name: 'Notifications' });
  await expect(panel.getByLabel('Quiet hours start')).toBeVisible();
  // Empty until something is said: a live region added together with its words is often not read.
  const status = panel.getByRole('status');
  await expect(status).toHaveText('');
  await panel.getByLabel('Quiet hours start').fill('22:30');
  await panel.getByLabel('Quiet hours end').fill('06:45');
  await panel.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect(status).toHaveText('Quiet hours saved: no notifications from 10:30 PM to 06:45 AM.');
  await panel.getByRole('button', { name: 'Turn quiet hours off' }).click();
  await expect(status).toHaveText('Quiet hours turned off.');
  await expect(panel.getByRole('button', { name: 'Save quiet hours' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('the message box, focused for a reply, says what it replies to (its description), until the reply is cancelled', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'are we still on for Saturday?');
  const box = bob.page.getByRole('textbox', { name: 'Message' });
  const message = bob.page.getByRole('list', { name: 'Messages' }).locator('li[data-seq]').filter({ hasText: 'Saturday' });
  // The "⋯" button shows and hides a group of buttons (a disclosure): it says so, and does not claim to
  // open a menu (aria-haspopup), which would have screen readers announce menu items that are not there.
  const actions = message.getByRole('button', { name: 'Message actions' });
  await actions.click();
  await expect(actions).toHaveAttribute('aria-expanded', 'true');
  expect(await actions.getAttribute('aria-haspopup')).toBeNull();
  await message.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(box).toBeFocused();
  await expect(box).toHaveAccessibleDescription('Replying to Alice: are we still on for Saturday?');
  await box.press('Escape');
  await expect(bob.page.getByRole('button', { name: 'Cancel reply' })).toHaveCount(0);
  await expect(box).toHaveAccessibleDescription('');
  expect(errors.list).toEqual([]);
});
