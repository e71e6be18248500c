import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';
export type { Browser, BrowserContext, Page } from '@playwright/test';

/**
 * Playwright's `test`, plus: every browser context a test opened is closed when it ends, so pages of
 * earlier tests do not keep sockets open, take messages and load the two cores during later ones.
 */
export const test = base.extend<{ closeContexts: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close().catch(() => {})));
    },
    { auto: true },
  ],
});
