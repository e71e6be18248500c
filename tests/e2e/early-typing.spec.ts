import { expect, test } from './fixtures';
import { signUp, trackPageErrors } from './helpers';

// The chat is rendered on the server, so its fields take typing before the page's script has run.
test('what is typed into the searches before the page has come alive is searched once it has', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  // No service worker: it would serve the scripts from its cache, past the route that holds them.
  const bob = await signUp(browser, 'bob', 'Bob', errors, { serviceWorkers: 'block' });
  const page = bob.page;

  // Hold the page's scripts until Bob has typed, as a slow phone would.
  let letScriptsThrough!: () => void;
  const typed = new Promise<void>((resolve) => (letScriptsThrough = resolve));
  await page.route('**/_next/static/chunks/**', async (route) => {
    await typed;
    await route.continue();
  });
  // The page's HTML is all there; its scripts (some of which hold DOMContentLoaded) are not.
  await page.goto('/', { waitUntil: 'commit' });
  await page.getByLabel('Find people').fill(alice.handle);
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('weekend');
  letScriptsThrough();

  await page.getByRole('button', { name: new RegExp(alice.handle) }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Results for “weekend”' })).toBeVisible();
  expect(errors.list).toEqual([]);
});
