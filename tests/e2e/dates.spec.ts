import { expect, type Page, test } from './fixtures';
import { acceptedChat, anotherDevice, postMessages, roomIdWith, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const inZone = (iso: string, timeZone: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { timeZone, ...options }).format(new Date(iso));

test('after the time zone changes under the open page (a laptop that landed), a new message shows the new zone’s time and day', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'before the flight');
  const roomId = await roomIdWith(alice, bob.handle);
  const viewer = await anotherDevice(browser, bob.handle, errors, { locale: 'en-US' });
  // The zone as the system's: set through the browser's own override, which can change under an open page.
  const cdp = await viewer.page.context().newCDPSession(viewer.page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'America/Los_Angeles' });
  await viewer.page.reload();
  await rooms(viewer.page).getByRole('button', { name: /Alice/ }).click();
  await expect(messages(viewer.page)).toContainText('before the flight');

  // Tokyo is 16 or 17 hours ahead: its day is, at most hours, not Los Angeles's.
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
  await postMessages(alice, roomId, ['after landing']);
  const row = messages(viewer.page).locator('li[data-seq]', { hasText: 'after landing' });
  await expect(row).toBeVisible();
  const iso = (await row.locator('time').getAttribute('datetime'))!;
  await expect(row.locator('time')).toHaveText(inZone(iso, 'Asia/Tokyo', { hour: '2-digit', minute: '2-digit' }));
  await expect(row.locator('time')).toHaveAttribute('title', new RegExp(`^${inZone(iso, 'Asia/Tokyo', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })}`));
  // Its day is today there, and the list says its time, not a date.
  await expect(messages(viewer.page).locator('li[data-day-label]').last()).toHaveText('Today');
  await expect(rooms(viewer.page).getByRole('button', { name: /Alice/ })).toContainText(inZone(iso, 'Asia/Tokyo', { hour: '2-digit', minute: '2-digit' }));
  expect(errors.list).toEqual([]);
});

test('a reader whose browser is in German sees the English page’s dates in English, on their own 24-hour clock', async ({ browser }) => {
  const errors = trackPageErrors();
  const { bob } = await acceptedChat(browser, errors, 'hallo');
  const viewer = await anotherDevice(browser, bob.handle, errors, { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
  await rooms(viewer.page).getByRole('button', { name: /Alice/ }).click();
  const time = messages(viewer.page).locator('li[data-seq] time').first();
  await expect(time).toHaveText(/^\d\d:\d\d$/);
  const iso = (await time.getAttribute('datetime'))!;
  const clock = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  await expect(time).toHaveText(clock);
  await expect(time).toHaveAttribute('title', `${inZone(iso, 'Europe/Berlin', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })} at ${clock}`);
  await expect(messages(viewer.page).locator('li[data-day-label]').first()).toHaveText('Today');
  expect(errors.list).toEqual([]);
});
