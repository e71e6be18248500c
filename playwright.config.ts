import { defineConfig } from '@playwright/test';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SECRET, TEST_VAPID } from './tests/helpers/services';

const port = Number(process.env.E2E_PORT ?? 3210);

// Debian's Chromium, never a downloaded browser build.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  // E2E_EXPECT_TIMEOUT: more patience on a loaded machine (the default suits CI).
  expect: { timeout: Number(process.env.E2E_EXPECT_TIMEOUT ?? 10_000) },
  workers: 1,
  // In CI a failed browser test runs once more (as Playwright's own setup suggests): a test that passes only
  // then is listed as "flaky" in the report, a race to find, while one rare race in 230 browser tests no
  // longer throws away a whole landing. Locally every failure shows at once.
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? 'list' : 'line',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // The page's dates and times follow the browser's language (lib/dates.ts): the tests read them in one,
    // whatever the machine's. A test that means another says so (dates.spec.ts).
    locale: 'en-US',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
    // Off unless asked for (E2E_TRACE=1): recording every test's screenshots and DOM snapshots, kept only
    // for a failure, made the suite about a third slower on two cores.
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
  },
  webServer: {
    // As production runs it (`npm run build && npm start`), bundled from the sources as they are now.
    command: 'node scripts/build-server.mjs && node --enable-source-maps dist/server.mjs',
    url: `http://127.0.0.1:${port}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      NEXTAUTH_SECRET: TEST_SECRET,
      ...TEST_VAPID,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      // A short grace so "offline" shows soon after the last tab closes.
      PRESENCE_GRACE_MS: '500',
      // Only direct conversations push presence: every group's members' status is asked for, as a big group's is.
      PRESENCE_PUSH_MAX_MEMBERS: '2',
      RATE_AUTH_PER_MIN: '100000',
      RATE_AUTH_BURST: '100000',
      SPAM_LINK_MIN_ACCOUNT_AGE_MS: '0',
      // Low enough for a test to reach the link hold (the 4th link message within an hour is held).
      SPAM_MAX_LINKS_PER_HOUR: '3',
      // Room for the scroll tests to post a few hundred messages at once.
      RATE_SEND_BURST: '400',
    },
  },
});
