import { expect, type Page, test } from './fixtures';
import { aliceWithBobAndCarol, roomIdWith, trackPageErrors } from './helpers';

const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const heading = (page: Page, name: string) => page.getByRole('heading', { name });

// The address follows the open conversation through the router, which fetches the page first. On a slow
// network someone can switch to Carol and back to Bob before Carol's address has landed: when it lands
// late it must not take the conversation (or a reload) back to Carol.
test('switching back before the address has followed keeps the conversation and the address on the last one chosen', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  const [bobRoom, carolRoom] = await Promise.all([roomIdWith(alice, bob.handle), roomIdWith(alice, carol.handle)]);
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));

  // The router's fetch of Carol's page is held, as a slow network would hold it.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let requested!: () => void;
  const carolRequested = new Promise<void>((resolve) => (requested = resolve));
  await page.route(
    (url) => url.pathname === `/c/${carolRoom}`,
    async (route) => {
      requested();
      await held;
      await route.continue();
    },
  );
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(heading(page, 'Carol')).toBeVisible();
  await carolRequested;
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(heading(page, 'Bob')).toBeVisible();

  const carolAnswered = page.waitForResponse((response) => new URL(response.url()).pathname === `/c/${carolRoom}`);
  release();
  await carolAnswered;
  // Whatever the router does with Carol's late page, it has done it once the page is idle.
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));
  await expect(heading(page, 'Bob')).toBeVisible();
  await page.reload();
  await expect(heading(page, 'Bob')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/c/${bobRoom}$`));
  expect(errors.list).toEqual([]);
});
