import { expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, grantAdmin, holdSearch, openChatWith, PASSWORD, reportMessage, send, signUp, trackPageErrors, uniqueHandle } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const row = (page: Page, text: string) => messages(page).locator('li[data-seq]', { hasText: text });
// By id: an edit changes the text a row could be found by.
const rowById = (page: Page, id: string) => messages(page).locator(`li[data-message-id="${id}"]`);

/** Opens a message's "⋯" menu and picks an action; returns the message's row. */
async function pickAction(page: Page, id: string, action: 'Edit' | 'Delete') {
  const message = rowById(page, id);
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('button', { name: action, exact: true }).click();
  return message;
}

test('a moderator deletes a reported message and bans its sender; others see it live', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const troll = await signUp(browser, 'troll', 'Troll', errors);
  await grantAdmin(mod.handle);

  await openChatWith(troll, alice.handle);
  await troll.page.getByRole('textbox', { name: 'Message' }).fill('something abusive');
  await troll.page.getByRole('button', { name: 'Send', exact: true }).click();
  await acceptRequest(alice, 'Troll');
  const abusive = messages(alice.page).locator('li[data-seq]', { hasText: 'something abusive' });
  // Report sits in the message's actions menu.
  await abusive.getByRole('button', { name: 'Message actions' }).click();
  await abusive.getByRole('button', { name: 'Report message' }).click();
  // A report needs a reason, said in words.
  await abusive.getByRole('button', { name: 'Send report' }).click();
  await expect(abusive.getByRole('alert')).toHaveText('The reason must not be empty.');
  await abusive.getByLabel('Reason for reporting').fill('harassment');
  await abusive.getByRole('button', { name: 'Send report' }).click();
  await expect(abusive).toContainText('Reported');
  // The form went: focus is on the thanks in its place, not on the page.
  await expect(abusive.getByText('Reported. Thank you.')).toBeFocused();

  await mod.page.goto('/admin');
  const report = mod.page.getByRole('list', { name: 'Open reports' }).getByRole('listitem').filter({ hasText: 'harassment' });
  await expect(report).toContainText('something abusive');
  // A reason is required, in the moderator's own words.
  await report.getByRole('button', { name: 'Delete message' }).click();
  await expect(report.getByRole('alert')).toContainText('Say why first');
  await expect(report).toHaveCount(1);
  await report.getByLabel('Reason').fill('harassing a member');
  await report.getByRole('button', { name: 'Delete message' }).click();
  // Deleting resolves the report, so it leaves the queue.
  await expect(report).toHaveCount(0);
  // Focus stays in the queue (on the next report, or its heading), not dropped to the page.
  await expect(mod.page.getByRole('region', { name: 'Reports' }).locator(':focus')).toHaveCount(1);

  // Alice's open conversation shows the marker in place of the message, live.
  await expect(messages(alice.page)).toContainText('Message removed');
  await expect(messages(alice.page)).not.toContainText('something abusive');

  await mod.page.getByLabel('Search people and rooms').fill(troll.handle);
  const people = mod.page.getByRole('list', { name: 'People' });
  await people.getByLabel(`Reason for @${troll.handle}`).fill('repeated abuse after warnings');
  await people.getByRole('button', { name: `Ban @${troll.handle}` }).click();
  await expect(mod.page.getByRole('list', { name: 'People' })).toContainText('banned');
  // The Ban button became Restore: focus stays in the row, on its reason field.
  await expect(people.getByLabel(`Reason for @${troll.handle}`)).toBeFocused();
  // The banned user's page is cut off and sent to sign in; signing in again is refused.
  await expect(troll.page).toHaveURL(/\/signin/);
  await troll.page.getByLabel('Username').fill(troll.handle);
  await troll.page.getByLabel('Password').fill('correct horse battery');
  await troll.page.getByRole('button', { name: 'Sign in' }).click();
  // The form says why, rather than "wrong password".
  await expect(troll.page.locator('form').getByRole('alert')).toHaveText('This account is banned.');
  await expect(troll.page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  const audit = mod.page.getByRole('table', { name: 'Audit log' });
  await mod.page.reload();
  // The log holds every moderator's actions: find this test's by the troll's handle.
  const rowOf = (action: string) => audit.getByRole('row').filter({ hasText: action }).filter({ hasText: troll.handle });
  await expect(rowOf('message.delete')).toContainText('harassing a member');
  // What was acted on is said in words, not as an id.
  await expect(rowOf('message.delete')).toContainText(`a message by @${troll.handle} to @${alice.handle}`);
  await expect(rowOf('user.ban')).toContainText(`@${troll.handle}`);
  // The removed text stays in the audit log as evidence.
  await expect(rowOf('message.delete')).toContainText('something abusive');
  await expect(rowOf('user.ban')).toContainText('repeated abuse after warnings');
  // Its cells are padded apart, or on a phone the columns run into each other.
  const padding = await rowOf('user.ban').getByRole('cell').first().evaluate((cell) => parseFloat(getComputedStyle(cell).paddingRight));
  expect(padding).toBeGreaterThanOrEqual(4);
  expect(errors.list).toEqual([]);
});

test('from a report a moderator suspends its sender for a day (the report stays to decide), or bans them (the report closes)', async ({ browser }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  const reportRude = async (text: string) => {
    await send(alice, text);
    await reportMessage(bob.page, text, `reporting ${text}`);
  };
  // Told apart from other runs' reports in the queue by Alice's handle.
  const rude = `rude words from ${alice.handle}`;
  const ruder = `ruder words from ${alice.handle}`;
  await reportRude(rude);

  await mod.page.goto('/admin');
  const report = mod.page.getByRole('list', { name: 'Open reports' }).getByRole('listitem').filter({ hasText: `reporting ${rude}` });
  await report.getByLabel('Reason').fill('cooling off');
  await report.getByRole('button', { name: `Suspend @${alice.handle} for a day` }).click();
  const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' });
  await expect(report.getByRole('status')).toContainText(`@${alice.handle} is suspended until`);
  await expect(report.getByRole('status')).toContainText(tomorrow);
  await expect(report.getByLabel('Reason')).toHaveValue('');
  // Her tabs are signed out at once; the report stays for the message itself, saying so after a reload too.
  await expect(alice.page).toHaveURL(/\/signin/);
  await mod.page.reload();
  await expect(report).toHaveCount(1);
  await expect(report.getByRole('status')).toContainText(`@${alice.handle} is suspended until`);
  // Signing in meanwhile says until when: a day from now, with its date.
  await alice.page.getByLabel('Username').fill(alice.handle);
  await alice.page.getByLabel('Password').fill('correct horse battery');
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(alice.page.getByRole('alert').filter({ hasText: 'This account is suspended until' })).toContainText(tomorrow);

  // Restored, she writes again; a ban from the new report closes it and her earlier one too.
  await mod.page.getByLabel('Search people and rooms').fill(alice.handle);
  const people = mod.page.getByRole('list', { name: 'People' });
  await people.getByLabel(`Reason for @${alice.handle}`).fill('served');
  await expect(people).toContainText('suspended until');
  await expect(people).toContainText(tomorrow);
  await people.getByRole('button', { name: `Restore @${alice.handle}` }).click();
  await expect(people).toContainText('active');
  await alice.page.getByLabel('Username').fill(alice.handle);
  await alice.page.getByLabel('Password').fill('correct horse battery');
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await alice.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Bob/ }).click();
  await reportRude(ruder);
  await mod.page.reload();
  await mod.page.getByLabel('Search people and rooms').fill(alice.handle);
  await expect(people).toContainText('active');
  const second = mod.page.getByRole('list', { name: 'Open reports' }).getByRole('listitem').filter({ hasText: `reporting ${ruder}` });
  await second.getByLabel('Reason').fill('again');
  await second.getByRole('button', { name: `Ban @${alice.handle}` }).click();
  await expect(second).toHaveCount(0);
  await expect(report).toHaveCount(0);
  // The rest of the page follows without a reload: the person's status, and the audit log.
  await expect(people).toContainText('banned');
  await expect(mod.page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: 'user.ban' }).filter({ hasText: alice.handle })).toContainText('again');
  expect(errors.list).toEqual([]);
});

test('a report shows what was reported after its sender edits or deletes the message', async ({ browser }) => {
  // Four people and two pages of moderation: more than the default minute on a loaded machine.
  test.setTimeout(120_000);
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  await send(bob, 'ABUSE-ONE you are terrible');
  await send(bob, 'ABUSE-TWO threatening text');
  const reasons = { edited: `insults by ${bob.handle}`, deleted: `threats by ${bob.handle}` };
  const one = (await row(alice.page, 'ABUSE-ONE you are terrible').getAttribute('data-message-id'))!;
  const two = (await row(alice.page, 'ABUSE-TWO threatening text').getAttribute('data-message-id'))!;
  for (const [messageId, reason] of [[one, reasons.edited], [two, reasons.deleted]]) {
    expect((await alice.page.request.post('/api/v1/reports', { data: { messageId, reason } })).status()).toBe(201);
  }

  const editing = await pickAction(bob.page, one, 'Edit');
  await editing.getByRole('textbox', { name: 'Edit message' }).fill('harmless edited text');
  await editing.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  // The editor closes once the edit is saved, moving the rows below it: the next click waits for that.
  await expect(editing.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);
  const deleting = await pickAction(bob.page, two, 'Delete');
  await deleting.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete', exact: true }).click();
  // Both changes are stored once the other member sees them.
  await expect(rowById(alice.page, one)).toContainText('harmless edited text');
  await expect(rowById(alice.page, two)).toContainText('Message deleted');

  await mod.page.goto('/admin');
  const reportFor = (reason: string) => mod.page.getByRole('list', { name: 'Open reports' }).getByRole('listitem').filter({ hasText: reason });
  const edited = reportFor(reasons.edited);
  await expect(edited).toContainText('harmless edited text (edited)');
  await expect(edited.getByRole('list', { name: 'Earlier texts' })).toContainText('ABUSE-ONE you are terrible');

  const deleted = reportFor(reasons.deleted);
  await expect(deleted).toContainText('Deleted by the sender');
  await expect(deleted.getByRole('list', { name: 'Earlier texts' })).toContainText('ABUSE-TWO threatening text');
  // Nothing left to delete: the moderator closes the report instead.
  await expect(deleted.getByRole('button', { name: 'Delete message' })).toHaveCount(0);
  await deleted.getByRole('button', { name: 'Resolve' }).click();
  await expect(deleted).toHaveCount(0);

  // Removing the edited message keeps the reported text in the audit log, not only the last one.
  await edited.getByLabel('Reason').fill('insulting a member');
  await edited.getByRole('button', { name: 'Delete message' }).click();
  await expect(edited).toHaveCount(0);
  await mod.page.reload();
  const removal = mod.page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: 'message.delete' }).filter({ hasText: bob.handle });
  await expect(removal).toContainText('ABUSE-ONE you are terrible');
  expect(errors.list).toEqual([]);
});

test('a non-admin sees no moderation tools at /admin', async ({ browser }) => {
  const user = await signUp(browser, 'plain', 'Plain');
  await user.page.goto('/admin');
  await expect(user.page.locator('main').getByRole('alert')).toContainText('moderators only');
  await expect(user.page.getByRole('list', { name: 'Open reports' })).toHaveCount(0);
});

test('message bodies are shown as text: scripts, event handlers and javascript: links never run', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  const attacks = [
    '<script>window.__pwned = "script"</script>',
    '<img src=x onerror="window.__pwned = \'img\'">',
    '[click me](javascript:window.__pwned="link") javascript:window.__pwned="bare"',
    'safe link https://example.com/page?x=1',
  ];
  await openChatWith(alice, bob.handle);
  for (const body of attacks) {
    await alice.page.getByRole('textbox', { name: 'Message' }).fill(body);
    await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  }
  await acceptRequest(bob, 'Alice');
  for (const body of attacks) await expect(messages(bob.page).getByText(body, { exact: true })).toBeVisible();
  const list = messages(bob.page);
  await expect(list.locator('script, img')).toHaveCount(0);
  const hrefs = await list.locator('a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
  expect(hrefs).toEqual(['https://example.com/page?x=1']);
  await list.getByText('javascript:window.__pwned="bare"', { exact: false }).click();
  expect(await bob.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(await alice.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(errors.list).toEqual([]);
});

test("the moderators' search shows the people found for the words typed now, not a slow answer to earlier ones", async ({ browser, request }) => {
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  const [first, second] = [uniqueHandle('ann'), uniqueHandle('ben')];
  for (const handle of [first, second]) expect((await request.post('/api/v1/users', { data: { username: handle, password: PASSWORD } })).status()).toBe(201);
  const page = mod.page;
  await page.goto('/admin');
  const search = page.getByLabel('Search people and rooms');
  const people = page.getByRole('list', { name: 'People' });

  const hold = (words: string) => holdSearch(page, '/api/v1/admin/users', words);
  const slow = await hold(first);
  await search.fill(first);
  await slow.asked;
  await search.fill(second);
  await expect(people).toContainText(`@${second}`);
  slow.release();
  await (await slow.answered).finished();
  // The sentinel: asked after the late answer was in, and held while the list is looked at.
  const sentinel = await hold(`${second} `);
  await search.fill(`${second} `);
  await sentinel.asked;
  await expect(people).toContainText(`@${second}`);
  await expect(people).not.toContainText(`@${first}`);
  sentinel.release();
  await sentinel.answered;
  expect(errors.list).toEqual([]);
});

test('the moderators\' search finds "@handle" as the page writes it, says when nothing matched, and when more matched than it lists', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const errors = trackPageErrors();
  const mod = await signUp(browser, 'mod', 'Moderator', errors);
  await grantAdmin(mod.handle);
  // 51 people whose handles share a word: one more than the search lists.
  const word = uniqueHandle('many').replace('_', '');
  const handles = Array.from({ length: 51 }, (_, index) => `${word}_${index}`);
  for (let start = 0; start < handles.length; start += 10) {
    const batch = handles.slice(start, start + 10);
    const created = await Promise.all(batch.map((handle) => request.post('/api/v1/users', { data: { username: handle, password: PASSWORD } })));
    expect(created.map((response) => response.status())).toEqual(batch.map(() => 201));
  }
  const page = mod.page;
  await page.goto('/admin');
  const search = page.getByLabel('Search people and rooms');
  const people = page.getByRole('list', { name: 'People' });
  const directory = page.getByRole('region', { name: 'People and rooms' });

  // Copied from a report or the audit log, where every handle is written "@handle".
  await search.fill(`@${handles[7]}`);
  await expect(people.getByRole('listitem')).toHaveCount(1);
  await expect(people).toContainText(`@${handles[7]}`);

  await search.fill(word);
  await expect(directory.getByRole('status').filter({ hasText: 'Showing 50 of 51 people: type more of a name or handle to find the others.' })).toBeVisible();
  await expect(people.getByRole('listitem')).toHaveCount(50);
  await expect(directory.getByRole('status').filter({ hasText: 'No rooms match.' })).toBeVisible();

  await search.fill(`${word}_nobody`);
  await expect(directory.getByRole('status').filter({ hasText: 'No one matches.' })).toBeVisible();
  await expect(people.getByRole('listitem')).toHaveCount(0);
  expect(errors.list).toEqual([]);
});
