import { type Browser, expect, type Page, test } from './fixtures';
import { acceptedChat, acceptRequest, apiUser, groupWith, openChatWith, otherTab, roomIdWith, send, signUp, trackPageErrors, PHONE } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
/** A stranger to the group's owner is invited (issue 12): they accept it from the requests list. */
async function acceptInvite(page: Page, group: string) {
  const invite = page.getByRole('region', { name: 'Message requests' }).getByRole('listitem').filter({ hasText: `invites you to the group "${group}"` });
  await invite.getByRole('button', { name: 'Accept' }).click();
}

type Person = Awaited<ReturnType<typeof signUp>>;
/** Alice, Bob and Carol, strangers to each other. */
async function signUpThree(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const people: Person[] = [];
  for (const [prefix, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) people.push(await signUp(browser, prefix, name, errors));
  return people;
}

/** The owner starts a group with the others (strangers to them, so invited), who all accept it. */
async function startGroup(owner: Person, name: string, members: Person[]) {
  await owner.page.getByRole('button', { name: 'New group' }).click();
  await owner.page.getByLabel('Group name').fill(name);
  await owner.page.getByLabel('Members (handles)').fill(members.map((member, index) => `${index % 2 ? '@' : ''}${member.handle}`).join(', '));
  await owner.page.getByRole('button', { name: 'Create group' }).click();
  await expect(owner.page.getByRole('heading', { name })).toBeVisible();
  for (const member of members) await acceptInvite(member.page, name);
  for (const member of members) await expect(rooms(member.page).getByRole('button', { name: new RegExp(name) })).toBeVisible();
}

/** Alice and Bob in two groups, "Crew" (whose id is returned) and "Other"; Bob has just joined both. */
async function crewAndOther(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await startGroup(alice, 'Crew', [bob]);
  const groupId = await roomIdWith(alice, bob.handle);
  // Group peers now: Bob is added to the second group outright.
  expect((await alice.page.request.post('/api/v1/groups', { data: { name: 'Other', members: [bob.handle] } })).status()).toBe(201);
  await expect(rooms(bob.page).getByRole('button', { name: /Other/ })).toBeVisible();
  return { alice, bob, groupId };
}

test('a group appears live for its members, and the sender sees who received and read each message', async ({ browser }) => {
  const errors = trackPageErrors();
  const [alice, bob, carol] = await signUpThree(browser, errors);

  await startGroup(alice, 'Trip planning', [bob, carol]);

  await send(alice, 'Who is in for Saturday?');
  const mine = messages(alice.page).locator('li[data-seq]', { hasText: 'Who is in for Saturday?' });
  // Both have it on their screens' lists (not opened yet): delivered to both, unread for both.
  await expect(mine).toContainText('Delivered to 2 of 2');
  await expect(rooms(carol.page).locator('[aria-label="1 unread"]')).toBeVisible();

  await rooms(bob.page).getByRole('button', { name: /Trip planning/ }).click();
  await expect(messages(bob.page)).toContainText('Who is in for Saturday?');
  await expect(mine).toContainText('Read by 1 of 2');
  await rooms(carol.page).getByRole('button', { name: /Trip planning/ }).click();
  await expect(mine).toContainText('Read by 2 of 2');
  await expect(rooms(carol.page).locator('[aria-label$="unread"]')).toHaveCount(0);

  await send(bob, 'Me!');
  await expect(messages(alice.page)).toContainText('Me!');
  await expect(messages(carol.page)).toContainText('Me!');
  expect(errors.list).toEqual([]);
});

test('someone who joins later is not counted under the messages sent before them, read or not', async ({ browser }) => {
  const errors = trackPageErrors();
  const [alice, bob, carol] = await signUpThree(browser, errors);
  await startGroup(alice, 'Late joiners', [bob]);
  const groupId = await roomIdWith(alice, bob.handle);
  await send(alice, 'before Carol');
  const before = messages(alice.page).locator('li[data-seq]', { hasText: 'before Carol' });
  await expect(before).toContainText('Delivered to 1 of 1');

  // Carol's cursors start at the present: she did not read "before Carol", and is not one of whom it waits for.
  expect((await alice.page.request.post(`/api/v1/groups/${groupId}/users`, { data: { handle: carol.handle } })).status()).toBe(201);
  await acceptInvite(carol.page, 'Late joiners');
  await expect(alice.page.getByText('3 members')).toBeVisible();
  await expect(before).toContainText('Delivered to 1 of 1');
  await send(alice, 'with Carol');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'with Carol' })).toContainText('Delivered to 2 of 2');

  await rooms(bob.page).getByRole('button', { name: /Late joiners/ }).click();
  await expect(messages(bob.page)).toContainText('with Carol');
  await expect(before).toContainText('Read by 1 of 1');
  await expect(messages(alice.page).locator('li[data-seq]', { hasText: 'with Carol' })).toContainText('Read by 1 of 2');
  expect(errors.list).toEqual([]);
});

test('adding a third person to a direct chat starts a new group, and the direct history stays private', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'a secret between us');
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  await expect(messages(bob.page)).toContainText('a secret between us');

  await alice.page.getByRole('button', { name: 'Add person' }).click();
  await alice.page.getByLabel('Handle to add').fill(carol.handle);
  await alice.page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(alice.page.getByRole('heading', { name: 'Alice, Bob, Carol' })).toBeVisible();
  await send(alice, 'welcome, Carol');

  await acceptInvite(carol.page, 'Alice, Bob, Carol');
  await rooms(carol.page).getByRole('button', { name: /Alice, Bob, Carol/ }).click();
  await expect(messages(carol.page)).toContainText('welcome, Carol');
  await expect(messages(carol.page)).not.toContainText('a secret between us');
  // Bob still has the direct conversation, apart from the group.
  await expect(rooms(bob.page).getByRole('button', { name: /Alice, Bob, Carol/ })).toBeVisible();
  await expect(rooms(bob.page).getByRole('button', { name: /a secret between us/ })).toBeVisible();
  expect(errors.list).toEqual([]);
});

test("a group's details show each member's status, asked for when the panel opens (groups push none here)", async ({ browser }) => {
  const errors = trackPageErrors();
  const [alice, bob, carol] = await signUpThree(browser, errors);
  await startGroup(alice, 'Status check', [bob, carol]);
  await rooms(bob.page).getByRole('button', { name: /Status check/ }).click();

  const details = bob.page.getByRole('complementary', { name: 'Conversation details' });
  const dotOf = (handle: string) => details.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: `@${handle}` }).getByRole('img');
  await bob.page.getByRole('button', { name: 'Conversation details' }).click();
  await expect(dotOf(alice.handle)).toHaveAttribute('aria-label', 'online');
  await expect(dotOf(carol.handle)).toHaveAttribute('aria-label', 'online');

  // Carol leaves. Nothing is pushed to a group here (PRESENCE_PUSH_MAX_MEMBERS=2): opening the panel
  // again asks, and once her offline has settled on the server it shows.
  await carol.page.close();
  await expect(async () => {
    await details.getByRole('button', { name: 'Close' }).click();
    await bob.page.getByRole('button', { name: 'Conversation details' }).click();
    await expect(dotOf(carol.handle)).toHaveAttribute('aria-label', 'offline', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(dotOf(alice.handle)).toHaveAttribute('aria-label', 'online');
  expect(errors.list).toEqual([]);
});

test('the owner is told who was invited, and removing a member asks first and keeps focus in the panel', async ({ browser }) => {
  const errors = trackPageErrors();
  const [alice, bob, carol] = await signUpThree(browser, errors);
  const page = alice.page;

  // Escape closes the form, as it does the other panels, and gives focus back to its button.
  await page.getByRole('button', { name: 'New group' }).click();
  await expect(page.getByLabel('Group name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('form', { name: 'New group' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New group' })).toBeFocused();
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('Team');
  await page.getByLabel('Members (handles)').fill(bob.handle);
  await page.getByRole('button', { name: 'Create group' }).click();
  const invitedNotice = page.getByRole('status').filter({ hasText: `@${bob.handle} was invited: they join once they accept.` });
  await expect(invitedNotice).toBeVisible();
  // A group of only invitees waits for one of them, and says for whom, rather than "closed".
  await expect(page.getByText(`Waiting for @${bob.handle} to accept the invite`)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'You can write once someone accepts');
  await acceptInvite(bob.page, 'Team');
  await expect(page.getByText('2 members')).toBeVisible();
  // Answered, the invite is no longer news: the notice goes.
  await expect(invitedNotice).toHaveCount(0);
  // Bob's "You joined" goes once he moves on to a conversation.
  const joined = bob.page.getByRole('region', { name: 'Message requests' }).getByText('You joined "Team".');
  await expect(joined).toBeVisible();
  await rooms(bob.page).getByRole('button', { name: /Team/ }).click();
  await expect(joined).toHaveCount(0);

  const details = page.getByRole('complementary', { name: 'Conversation details' });
  const members = details.getByRole('list', { name: 'Members' });
  await page.getByRole('button', { name: 'Members' }).click();
  await page.getByLabel('Handle to add').fill(carol.handle);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(details.getByRole('status')).toHaveText(`@${carol.handle} was invited: they join once they accept.`);
  const invited = details.getByRole('list', { name: 'Invited' });
  await expect(invited).toContainText(`@${carol.handle}`);
  // The header counts the invite too, so it is not forgotten once the panel closes.
  await expect(page.getByText('2 members · 1 invited')).toBeVisible();
  await acceptInvite(carol.page, 'Team');
  await expect(page.getByText('3 members')).toBeVisible();
  await expect(members).toContainText(`@${carol.handle}`);
  await expect(invited.getByRole('listitem')).toHaveCount(0);
  // Answered: the panel no longer says she is to join.
  await expect(details.getByRole('status')).toHaveText('');
  await carol.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Team/ }).click();
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await send(carol, 'Carol was here');
  const carols = messages(page).locator('li[data-seq]', { hasText: 'Carol was here' });
  await expect(carols).toContainText(`Carol @${carol.handle}`);

  // Her name is not cut short by the button beside it, which names her to screen readers only.
  for (const name of await members.getByRole('listitem').filter({ hasText: `@${carol.handle}` }).locator('span.truncate').all()) {
    expect(await name.evaluate((element) => [element.textContent, element.scrollWidth <= element.clientWidth])).toEqual([expect.any(String), true]);
  }
  const remove = details.getByRole('button', { name: `Remove ${carol.handle}` });
  await expect(remove.locator('.sr-only')).toHaveText(carol.handle);
  await remove.click();
  await expect(details.getByRole('group', { name: 'Remove Carol from the group?' })).toBeVisible();
  await expect(details.getByRole('button', { name: 'Remove', exact: true })).toBeFocused();
  await details.getByRole('button', { name: 'Cancel' }).click();
  await expect(remove).toBeFocused();
  await expect(members).toContainText(`@${carol.handle}`);

  await remove.click();
  await details.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(members).not.toContainText(`@${carol.handle}`);
  await expect(page.getByLabel('Handle to add')).toBeFocused();
  // Carol had the group open: it closes, saying why, and leaves her list.
  await expect(carol.page.getByRole('main').getByRole('status').filter({ hasText: 'You are no longer' })).toHaveText('You are no longer in Team.');
  await expect(carol.page.getByRole('list', { name: 'Recent conversations' }).getByRole('button', { name: /Team/ })).toHaveCount(0);
  // What she wrote still carries her name, not just her handle, live and after a reload.
  await expect(carols).toContainText(`Carol @${carol.handle}`);
  await page.reload();
  await expect(carols).toContainText(`Carol @${carol.handle}`);
  // Said about the new group while it is open; elsewhere it is not left under "New group".
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('Team two');
  await page.getByLabel('Members (handles)').fill(carol.handle);
  await page.getByRole('button', { name: 'Create group' }).click();
  const invitedToTwo = page.getByRole('status').filter({ hasText: `@${carol.handle} was invited: they join once they accept.` });
  await expect(invitedToTwo).toBeVisible();
  // The owner sees the open invite among the details and can take it back; Carol's invite goes.
  const carolsInvite = carol.page.getByRole('region', { name: 'Message requests' }).getByRole('listitem').filter({ hasText: 'Team two' });
  await expect(carolsInvite).toHaveCount(1);
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await details.getByRole('button', { name: `Withdraw invite to @${carol.handle}` }).click();
  await expect(invited.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByLabel('Handle to add')).toBeFocused();
  await expect(carolsInvite).toHaveCount(0);
  // Invited again from the panel, then withdrawn: the panel no longer says she is to join.
  await page.getByLabel('Handle to add').fill(carol.handle);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(details.getByRole('status')).toHaveText(`@${carol.handle} was invited: they join once they accept.`);
  await expect(invited.getByRole('listitem')).toHaveCount(1);
  await details.getByRole('button', { name: `Withdraw invite to @${carol.handle}` }).click();
  await expect(invited.getByRole('listitem')).toHaveCount(0);
  await expect(details.getByRole('status')).toHaveText('');
  await expect(carolsInvite).toHaveCount(0);
  await details.getByRole('button', { name: 'Close' }).click();
  await rooms(page).getByRole('button').filter({ has: page.getByText('Team', { exact: true }) }).click();
  await expect(page.getByRole('heading', { name: 'Team', exact: true })).toBeVisible();
  await expect(invitedToTwo).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('declining an invite moves focus to the next one, and a lapsed invite leaves the list when answered', async ({ browser }) => {
  const errors = trackPageErrors();
  const [alice, bob, carol] = await signUpThree(browser, errors);
  const create = async (owner: Person, name: string) => {
    const response = await owner.page.request.post('/api/v1/groups', { data: { name, members: [carol.handle] } });
    expect(response.status()).toBe(201);
    return (await response.json()).room.id as string;
  };
  const first = await create(alice, 'First');
  await create(bob, 'Second');
  await create(alice, 'Third');
  const invites = carol.page.getByRole('region', { name: 'Message requests' });
  const invite = (group: string) => invites.getByRole('listitem').filter({ hasText: `invites you to the group "${group}"` });
  await expect(invites.getByRole('listitem')).toHaveCount(3);

  // Each invite's buttons say which group they answer: a screen reader's button list tells them apart.
  await invites.getByRole('button', { name: 'Decline the invite to "Third"', exact: true }).click();
  await expect(invite('Third')).toHaveCount(0);
  await expect(invites.getByRole('listitem').first().getByRole('button', { name: 'Accept' })).toBeFocused();

  // Alice leaves "First": her invite lapses, and Carol's tab is not told.
  expect((await alice.page.request.delete(`/api/v1/groups/${first}/users/${alice.handle}`)).status()).toBe(200);
  await invites.getByRole('button', { name: 'Accept the invite to "First"', exact: true }).click();
  await expect(invites.getByRole('alert')).toHaveText('This invite is no longer open.');
  await expect(invite('First')).toHaveCount(0);
  await expect(invite('Second')).toBeVisible();
  expect(errors.list).toEqual([]);
});

test("the owner renames a group from its details, and another member's open page shows the new name live", async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await startGroup(alice, 'Trip', [bob]);
  await rooms(bob.page).getByRole('button', { name: /Trip/ }).click();
  await expect(bob.page.getByRole('heading', { name: 'Trip', exact: true })).toBeVisible();

  const details = alice.page.getByRole('complementary', { name: 'Conversation details' });
  const renameButton = details.getByRole('button', { name: 'Rename group' });
  const field = details.getByLabel('Group name');
  await alice.page.getByRole('button', { name: 'Conversation details' }).click();

  // Escape leaves the name as it was and the panel open.
  await renameButton.click();
  await expect(field).toHaveValue('Trip');
  await expect(field).toBeFocused();
  await field.press('Escape');
  await expect(renameButton).toBeFocused();
  await expect(field).toHaveCount(0);

  // A refused name is told in words.
  await renameButton.click();
  await field.fill('   ');
  await details.getByRole('button', { name: 'Save name' }).click();
  await expect(details.getByRole('alert')).toHaveText('The name must not be empty.');

  await field.fill('Trip 2027');
  await field.press('Enter');
  await expect(renameButton).toBeFocused();
  await expect(alice.page.getByRole('heading', { name: 'Trip 2027', exact: true })).toBeVisible();

  // Bob's page changes without him doing anything: header, list, and the system message.
  await expect(bob.page.getByRole('heading', { name: 'Trip 2027', exact: true })).toBeVisible();
  await expect(rooms(bob.page).getByRole('listitem').getByText('Trip 2027', { exact: true })).toBeVisible();
  await expect(messages(bob.page)).toContainText('Alice renamed the group to "Trip 2027"');

  // Only the owner has the control.
  await bob.page.getByRole('button', { name: 'Conversation details' }).click();
  await expect(bob.page.getByRole('complementary', { name: 'Conversation details' }).getByRole('button', { name: 'Leave group' })).toBeVisible();
  await expect(bob.page.getByRole('button', { name: 'Rename group' })).toHaveCount(0);

  // The owner is told, before leaving, that ownership passes on; a member is asked only.
  await details.getByRole('button', { name: 'Leave group' }).click();
  await expect(details.getByRole('group', { name: /^Leave this group\? You own it: the member who has been in it longest becomes its owner\.$/ })).toBeVisible();
  await details.getByRole('button', { name: 'Cancel' }).click();

  // Bob leaves: the group closes saying so, and his focus lands on that, not on the page's body.
  const bobsDetails = bob.page.getByRole('complementary', { name: 'Conversation details' });
  await bobsDetails.getByRole('button', { name: 'Leave group' }).click();
  await expect(bobsDetails.getByRole('group', { name: 'Leave this group?', exact: true })).toBeVisible();
  await bobsDetails.getByRole('button', { name: 'Leave', exact: true }).click();
  // The closed group's notice (the message box's and the details' live regions go with them).
  const notice = bob.page.getByRole('main').getByRole('status').filter({ hasText: 'You are no longer' });
  await expect(notice).toHaveText('You are no longer in Trip 2027.');
  await expect(bob.page.locator(':focus')).toContainText('You are no longer in Trip 2027.');
  expect(errors.list).toEqual([]);
});

test('a message written offline to a group you were removed from meanwhile is shown as not sent, to copy or discard', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await startGroup(alice, 'Crew', [bob]);
  const groupId = await roomIdWith(alice, bob.handle);
  await rooms(bob.page).getByRole('button', { name: /Crew/ }).click();
  await expect(bob.page.getByRole('heading', { name: 'Crew', exact: true })).toBeVisible();

  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await send(bob, 'lost in the post');
  expect((await alice.page.request.delete(`/api/v1/groups/${groupId}/users/${bob.handle}`)).status()).toBe(200);
  await bob.page.context().setOffline(false);

  await expect(bob.page.getByRole('main').getByRole('status').filter({ hasText: 'You are no longer' })).toHaveText('You are no longer in Crew.');
  const unsent = bob.page.getByRole('region', { name: 'Messages not sent' });
  await expect(unsent).toContainText('This message was not sent:');
  await expect(unsent.getByRole('listitem')).toHaveText(/lost in the post/);
  await unsent.getByRole('button', { name: 'Discard' }).click();
  await expect(unsent).toHaveCount(0);
  // Discarded for good: the outbox kept in the browser no longer has it.
  await bob.page.reload();
  await expect(rooms(bob.page).getByRole('button', { name: /Crew/ })).toHaveCount(0);
  expect(await bob.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:outbox:') && localStorage.getItem(key)?.includes('lost in the post')))).toEqual([]);
  expect(errors.list).toEqual([]);
});

test('a message refused by a group you left the list of while another conversation was open is said in the list, after a reload too', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, groupId } = await crewAndOther(browser, errors);
  await rooms(bob.page).getByRole('button', { name: /Crew/ }).click();
  await expect(bob.page.getByRole('heading', { name: 'Crew', exact: true })).toBeVisible();

  await bob.page.context().setOffline(true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await send(bob, 'lost while elsewhere');
  // Bob moves on to another conversation before the connection returns.
  await rooms(bob.page).getByRole('button', { name: /Other/ }).click();
  await expect(bob.page.getByRole('heading', { name: 'Other', exact: true })).toBeVisible();
  expect((await alice.page.request.delete(`/api/v1/groups/${groupId}/users/${bob.handle}`)).status()).toBe(200);
  await bob.page.context().setOffline(false);

  const sidebar = bob.page.getByRole('complementary', { name: 'Conversations' });
  const unsent = sidebar.getByRole('region', { name: 'Messages not sent' });
  await expect(unsent).toContainText('You are no longer in Crew. This message was not sent:');
  await expect(unsent.getByRole('listitem')).toHaveText(/lost while elsewhere/);
  await expect(rooms(bob.page).getByRole('button', { name: /Crew/ })).toHaveCount(0);
  // The open conversation is untouched.
  await expect(bob.page.getByRole('heading', { name: 'Other', exact: true })).toBeVisible();

  // Still said after a reload, when the group's name is no longer known.
  await bob.page.reload();
  await expect(unsent).toContainText('You are no longer in that conversation. This message was not sent:');
  await unsent.getByRole('button', { name: 'Discard' }).click();
  await expect(unsent).toHaveCount(0);
  expect(await bob.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('relay:outbox:') && localStorage.getItem(key)?.includes('lost while elsewhere')))).toEqual([]);
  expect(errors.list).toEqual([]);
});

test('a group you are removed from while another conversation is open says so in the list, until you open one', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, groupId } = await crewAndOther(browser, errors);
  await rooms(bob.page).getByRole('button', { name: /Other/ }).click();
  await expect(bob.page.getByRole('heading', { name: 'Other', exact: true })).toBeVisible();

  expect((await alice.page.request.delete(`/api/v1/groups/${groupId}/users/${bob.handle}`)).status()).toBe(200);
  const sidebar = bob.page.getByRole('complementary', { name: 'Conversations' });
  const told = sidebar.getByRole('status').filter({ hasText: 'You are no longer in Crew.' });
  await expect(told).toBeVisible();
  await expect(rooms(bob.page).getByRole('button', { name: /Crew/ })).toHaveCount(0);
  await expect(bob.page.getByRole('heading', { name: 'Other', exact: true })).toBeVisible();
  // Said until he opens a conversation.
  await rooms(bob.page).getByRole('button', { name: /Other/ }).click();
  await expect(told).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('the group forms and quiet hours say what is wrong in words, before asking the server; a group needs a member', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hi');
  const page = alice.page;
  const sidebar = page.getByRole('complementary', { name: 'Conversations' });
  await page.getByRole('button', { name: 'New group' }).click();
  const create = page.getByRole('button', { name: 'Create group' });
  await create.click();
  await expect(sidebar.getByRole('alert')).toHaveText('The group name must not be empty.');
  await page.getByLabel('Group name').fill('Solo');
  await create.click();
  await expect(sidebar.getByRole('alert')).toHaveText('Add at least one member by handle.');
  await page.getByLabel('Members (handles)').fill(`${bob.handle}, bob!`);
  await create.click();
  await expect(sidebar.getByRole('alert')).toHaveText('"bob!" is not a handle: it may only contain lower-case a-z, 0-9, "_", "." and "-".');
  await expect(rooms(page).getByRole('button', { name: /Solo/ })).toHaveCount(0);

  // Adding someone from a conversation's details: the same words.
  await page.getByRole('button', { name: 'Add person' }).click();
  await page.getByLabel('Handle to add').fill('xy');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  await expect(details.getByRole('alert')).toHaveText('"xy" is not a handle: it must be at least 3 characters.');

  await page.goto('/settings');
  await page.getByLabel('Quiet hours start').fill('08:00');
  await page.getByLabel('Quiet hours end').fill('08:00');
  await page.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' }).getByRole('alert')).toHaveText('The quiet time must end at another time than it starts.');
  // Set, then turned off: the button goes, and focus moves beside it rather than to the page.
  await page.getByLabel('Quiet hours end').fill('09:00');
  await page.getByRole('button', { name: 'Save quiet hours' }).click();
  await page.getByRole('button', { name: 'Turn quiet hours off' }).click();
  await expect(page.getByRole('button', { name: 'Turn quiet hours off' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save quiet hours' })).toBeFocused();
  expect(errors.list).toEqual([]);
});

test('on a phone, the details panel cuts a long owner name, never the owner tag after it', async ({ browser }) => {
  const errors = trackPageErrors();
  const longName = 'Alexandria Wilhelmina Montgomery-Fitzgerald of Upper Wallop Road';
  const alice = await signUp(browser, 'alice', longName.slice(0, 64), errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors, PHONE);
  await startGroup(alice, 'Long names', [bob]);
  await rooms(bob.page).getByRole('button', { name: /Long names/ }).click();
  await bob.page.getByRole('button', { name: 'Conversation details' }).click();
  const owner = bob.page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: `@${alice.handle}` }).getByText('owner', { exact: true });
  await expect(owner).toBeInViewport({ ratio: 1 });
  const box = await owner.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  expect(errors.list).toEqual([]);
});

// A block hides what the blocked person writes; unblocked, what they wrote meanwhile shows as a reload
// would show it, without one.
test('unblocking someone in a shared group shows what they wrote while blocked, live, and them how far they were read', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await acceptedChat(browser, errors, 'hello');
  expect((await alice.page.request.post('/api/v1/groups', { data: { name: 'Crew', members: [bob.handle] } })).status()).toBe(201);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  await rooms(bob.page).getByRole('button', { name: /Crew/ }).click();
  await send(bob, 'before block');
  await expect(messages(alice.page)).toContainText('before block');
  const texts = (page: Page) => messages(page).locator('li[data-seq] p.whitespace-pre-wrap');
  expect((await alice.page.request.post('/api/v1/blocks', { data: { handle: bob.handle } })).status()).toBe(201);
  await send(bob, 'during block');
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'during block' })).toHaveCount(1);
  await send(alice, 'alice during block');
  await expect(texts(alice.page)).toHaveText(['before block', 'alice during block']);

  // Alice's read cursor passes Bob's hidden message while the block stands: no receipt of hers can tell him.
  type Listed = { name: string | null; lastSeq: number; members: { handle: string; readSeq: number }[] };
  const aliceRead = async () => {
    const crew = ((await (await alice.page.request.get('/api/v1/rooms')).json()).rooms as Listed[]).find((room) => room.name === 'Crew')!;
    return crew.members.find((member) => member.handle === alice.handle)!.readSeq === crew.lastSeq;
  };
  await expect.poll(aliceRead).toBe(true);
  expect((await alice.page.request.delete(`/api/v1/blocks/${bob.handle}`)).ok()).toBe(true);
  await expect(texts(alice.page)).toHaveText(['before block', 'during block', 'alice during block']);
  // Bob, unblocked, sees again how far Alice has read (her cursor had passed his message while blocked).
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'during block' }).filter({ hasNotText: 'alice' })).toContainText('Read by 1 of 1');
  await send(bob, 'after unblock');
  await expect(texts(alice.page)).toHaveText(['before block', 'during block', 'alice during block', 'after unblock']);
  await alice.page.reload();
  await expect(texts(alice.page)).toHaveText(['before block', 'during block', 'alice during block', 'after unblock']);
  expect(errors.list).toEqual([]);
});

// The same for a direct conversation where only the blocked person wrote: opened while blocked, it showed
// nothing, and unblocking left it empty (and unread) until a reload.
test('unblocking someone shows the direct conversation where only they wrote, opened while blocked, without a reload', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(bob, alice.handle);
  await send(bob, 'first from bob');
  await acceptRequest(alice, 'Bob');
  const roomId = await roomIdWith(alice, bob.handle);
  // One more while Alice is elsewhere (unread), then she blocks him.
  await alice.page.goto('/settings');
  await send(bob, 'second from bob');
  await expect(messages(bob.page).locator('li[data-seq]', { hasText: 'second from bob' })).toHaveCount(1);
  expect((await alice.page.request.post('/api/v1/blocks', { data: { handle: bob.handle } })).status()).toBe(201);
  await alice.page.goto(`/c/${roomId}`);
  await expect(alice.page.getByRole('status').filter({ hasText: `You blocked @${bob.handle}` })).toBeVisible();
  await expect(messages(alice.page).locator('li[data-seq]')).toHaveCount(0);

  await alice.page.getByRole('button', { name: 'Unblock', exact: true }).click();
  await expect(messages(alice.page).locator('li[data-seq] p.whitespace-pre-wrap')).toHaveText(['first from bob', 'second from bob']);
  // In view, so read: nothing is left unread in the list.
  const unread = async () => ((await (await alice.page.request.get('/api/v1/rooms')).json()).rooms as { id: string; unread: number }[]).find((room) => room.id === roomId)!.unread;
  await expect.poll(unread).toBe(0);
  expect(errors.list).toEqual([]);
});

test("the owner's second tab, details open, lists an invite sent from the first tab, and drops it when withdrawn there", async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  // A stranger to Alice: invited, not added.
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  await groupWith(alice, 'Crew', [bob]);
  await rooms(alice.page).getByRole('button', { name: /Crew/ }).click();
  const tab2 = await otherTab(alice.page, 'Crew', errors);
  await tab2.getByRole('button', { name: 'Conversation details' }).click();
  const details2 = tab2.getByRole('complementary', { name: 'Conversation details' });
  await expect(details2.getByRole('list', { name: 'Members' })).toContainText(`@${bob.handle}`);

  await alice.page.getByRole('button', { name: 'Conversation details' }).click();
  const details1 = alice.page.getByRole('complementary', { name: 'Conversation details' });
  await details1.getByLabel('Handle to add').fill(carol.handle);
  await details1.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(details1.getByRole('list', { name: 'Invited' })).toContainText(`@${carol.handle}`);
  // The other tab's open panel lists it too, with its Withdraw button, as its header counts it.
  await expect(tab2.getByText('2 members · 1 invited')).toBeVisible();
  await expect(details2.getByRole('list', { name: 'Invited' })).toContainText(`@${carol.handle}`);

  // Withdrawn in the first tab, it leaves the second.
  await details1.getByRole('button', { name: `Withdraw invite to @${carol.handle}` }).click();
  await expect(tab2.getByText('2 members', { exact: true })).toBeVisible();
  await expect(details2.getByRole('button', { name: `Withdraw invite to @${carol.handle}` })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

// Typing one's own handle is easy ("@me, …" out of habit, a copied list); the server leaves it out, and a
// group of its owner alone would open closed, where nobody can write.
test('a new group listing only its owner is refused in words, not created closed', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const page = alice.page;
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('Just me');
  await page.getByLabel('Members (handles)').fill(`@${alice.handle}`);
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('form', { name: 'New group' }).getByRole('alert')).toHaveText('Add at least one member by handle: you are in the group already.');
  await expect(rooms(page).getByRole('button', { name: /Just me/ })).toHaveCount(0);
  expect(errors.list).toEqual([]);
});

test('a member leaving while the owner is asked whether to remove them leaves the owner’s focus in the panel, not on the page', async ({ browser, baseURL }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await apiUser(baseURL!, 'bob', 'Bob');
  const carol = await apiUser(baseURL!, 'carol', 'Carol');
  const groupId = await groupWith(alice, 'Crew', [bob, carol]);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Crew/ }).click();
  await page.getByRole('button', { name: 'Conversation details' }).click();
  const details = page.getByRole('complementary', { name: 'Conversation details' });
  const members = details.getByRole('list', { name: 'Members' });
  await details.getByRole('button', { name: `Remove ${carol.handle}` }).focus();
  await page.keyboard.press('Enter');
  await expect(details.getByRole('group', { name: 'Remove Carol from the group?' })).toBeVisible();
  await expect(details.getByRole('button', { name: 'Remove', exact: true })).toBeFocused();

  // Carol leaves meanwhile: her row goes, with the question and the focused button in it.
  expect((await carol.api.delete(`/api/v1/groups/${groupId}/users/${carol.handle}`)).status()).toBe(200);
  await expect(members).not.toContainText(`@${carol.handle}`);
  // Focus moves to what is there instead (the next row, the Add field), never to <body>.
  await expect(details.locator(':focus')).toHaveCount(1);
  expect(errors.list).toEqual([]);
});
