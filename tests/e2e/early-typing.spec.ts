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

// A button rendered on the server looks pressable at once, but a press before the script runs did nothing,
// ever: signing out right after the page showed left the person signed in (seen in CI).
test('buttons and radios are off until the page has come alive, its text fields on; a press then waits for it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { page } = await signUp(browser, 'carol', 'Carol', errors, { serviceWorkers: 'block' });
  let letScriptsThrough!: () => void;
  const alive = new Promise<void>((resolve) => (letScriptsThrough = resolve));
  await page.route('**/_next/static/chunks/**', async (route) => {
    await alive;
    // A script held for a page left meanwhile has no one to go to.
    await route.continue().catch(() => {});
  });

  for (const [path, field] of [
    ['/settings', 'Current password'],
    ['/', 'Find people'],
  ]) {
    await page.goto(path, { waitUntil: 'commit' });
    await expect(page.getByLabel(field)).toBeEditable();
    const presses = [...(await page.getByRole('button').all()), ...(await page.getByRole('radio').all())];
    expect(presses.length).toBeGreaterThan(0);
    for (const control of presses) await expect(control).toBeDisabled();
  }

  const signOut = page.getByRole('button', { name: 'Sign out' });
  await expect(signOut).toBeVisible();
  letScriptsThrough();
  await signOut.click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(errors.list).toEqual([]);
});
