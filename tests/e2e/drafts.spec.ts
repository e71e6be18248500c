import { type Browser, expect, type Page, test } from './fixtures';
import { acceptRequest, aliceWithBobAndCarol, openChatWith, otherTab, roomIdWith, send, signUp, trackPageErrors } from './helpers';

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const rooms = (page: Page) => page.getByRole('list', { name: 'Recent conversations' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

test('a draft stays with its conversation across switches and a reload; Enter sends it only there', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  // Bob's address by his room's id: the page is still at Carol's (her request was accepted last) until
  // the router has followed the click, so reading the address after it would race.
  const bobUrl = new RegExp(`/c/${await roomIdWith(alice, bob.handle)}$`);
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(page).toHaveURL(bobUrl);
  await composer(page).fill('half-written for Bob');
  // An open panel does not follow into the next conversation either.
  await page.getByRole('button', { name: 'Conversation details' }).click();
  await expect(page.getByRole('complementary', { name: 'Conversation details' })).toBeVisible();

  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(page.getByRole('heading', { name: 'Carol' })).toBeVisible();
  await expect(composer(page)).toHaveValue('');
  await expect(page.getByRole('complementary', { name: 'Conversation details' })).toHaveCount(0);
  await composer(page).fill('draft for Carol');

  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  // The address follows the switch a moment later (the router's navigation): reloading before it has
  // would reload Carol's, as reloading in the middle of any navigation does.
  await expect(page).toHaveURL(bobUrl);
  await page.reload();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(composer(page)).toHaveValue('draft for Carol');

  await composer(page).press('Enter');
  await expect(messages(carol.page)).toContainText('draft for Carol');
  await expect(composer(page)).toHaveValue('');
  // Sent, it is no longer a draft after a reload; Bob's is untouched and never went to Carol.
  await page.reload();
  await expect(composer(page)).toHaveValue('');
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(composer(page)).toHaveValue('half-written for Bob');
  await send(carol, 'sentinel from Carol');
  await expect(messages(carol.page)).toContainText('sentinel from Carol');
  await expect(messages(carol.page)).not.toContainText('half-written for Bob');
  await expect(messages(bob.page)).not.toContainText('draft for Carol');
  expect(errors.list).toEqual([]);
});

test('typing on while the first message to someone creates the conversation loses no keystroke', async ({ browser }) => {
  const errors = trackPageErrors();
  const alice = await signUp(browser, 'alice', 'Alice', errors);
  const bob = await signUp(browser, 'bob', 'Bob', errors);
  await openChatWith(alice, bob.handle);
  const page = alice.page;
  await composer(page).click();
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  // Keystrokes keep coming while the first message's acknowledgement creates the room and its address.
  const second = 'second message typed while the room appears';
  await page.keyboard.type(second, { delay: 40 });
  await expect(page).toHaveURL(/\/c\//);
  await expect(composer(page)).toHaveValue(second);
  await expect(composer(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await acceptRequest(bob, 'Alice');
  await expect(messages(bob.page)).toContainText('first');
  await expect(messages(bob.page)).toContainText(second);
  expect(errors.list).toEqual([]);
});

/** Carol with her conversation with Dave open in two tabs of one browser profile. */
async function carolInTwoTabs(browser: Browser, errors: ReturnType<typeof trackPageErrors>) {
  const carol = await signUp(browser, 'carol', 'Carol', errors);
  const dave = await signUp(browser, 'dave', 'Dave', errors);
  await openChatWith(carol, dave.handle);
  await send(carol, 'hello Dave');
  await acceptRequest(dave, 'Carol');
  const roomId = await roomIdWith(carol, dave.handle);
  await expect(carol.page).toHaveURL(new RegExp(`/c/${roomId}$`));
  const tab2 = await carol.page.context().newPage();
  errors.watch(tab2);
  await tab2.goto(`/c/${roomId}`);
  await expect(composer(tab2)).toBeEnabled();
  return { carol, dave, roomId, tab1: carol.page, tab2 };
}

test('a draft is one per conversation across tabs: typing in one tab shows in the others and keeps what was typed there', async ({ browser }) => {
  const errors = trackPageErrors();
  const { dave, tab1, tab2 } = await carolInTwoTabs(browser, errors);
  const draft = 'IMPORTANT long draft written in tab 2';
  await composer(tab2).fill(draft);
  // Tab 1 was not typed in: it shows the draft, rather than an empty box whose first keystroke would replace it.
  await expect(composer(tab1)).toHaveValue(draft);
  await composer(tab1).press('ControlOrMeta+End');
  await composer(tab1).pressSequentially(' and ok');
  const whole = `${draft} and ok`;
  await expect(composer(tab2)).toHaveValue(whole);
  await tab2.reload();
  await expect(composer(tab2)).toHaveValue(whole);

  // Sent from tab 1, it is a draft in neither tab any more.
  await composer(tab1).press('Enter');
  await expect(messages(dave.page)).toContainText(whole);
  await expect(composer(tab1)).toHaveValue('');
  await expect(composer(tab2)).toHaveValue('');
  await tab2.reload();
  await expect(composer(tab2)).toHaveValue('');
  expect(errors.list).toEqual([]);
});

test('sending in one tab clears the draft only if it is the text sent: a draft just written in another tab survives a reload', async ({ browser }) => {
  const errors = trackPageErrors();
  const { carol, dave, roomId, tab1, tab2 } = await carolInTwoTabs(browser, errors);
  await composer(tab1).fill('ok from tab 1');
  await expect(composer(tab2)).toHaveValue('ok from tab 1');
  // Tab 2 writes a long draft just before Enter in tab 1, whose storage event has not reached tab 1 yet.
  // Written from tab 1's own page, that event reaches only the other tabs: the race, made certain.
  const draft = 'IMPORTANT long draft written in tab 2';
  await tab1.evaluate(([key, text]) => localStorage.setItem(key, text), [`relay:draft:${carol.handle}:${roomId}`, draft]);
  await expect(composer(tab2)).toHaveValue(draft);
  await expect(composer(tab1)).toHaveValue('ok from tab 1');

  await composer(tab1).press('Enter');
  await expect(messages(dave.page)).toContainText('ok from tab 1');
  // Tab 1 sent its own text and then shows the draft still kept; tab 2's survives a reload.
  await expect(composer(tab1)).toHaveValue(draft);
  await tab2.reload();
  await expect(composer(tab2)).toHaveValue(draft);
  expect(errors.list).toEqual([]);
});

test('a reply being written stays with its conversation across switches, a reload and tabs; sending it clears it in every tab', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob, carol } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  const replyBar = (on: Page) => on.getByTestId('replying-to');
  const reply = async (on: Page, text: string) => {
    const message = messages(on).getByRole('listitem').filter({ hasText: text });
    await message.getByRole('button', { name: 'Message actions' }).click();
    await message.getByRole('button', { name: 'Reply', exact: true }).click();
  };
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await reply(page, `hello from ${bob.handle}`);
  await expect(replyBar(page)).toHaveText(new RegExp(`Replying to Bob: hello from ${bob.handle}`));

  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(page.getByRole('heading', { name: 'Carol' })).toBeVisible();
  await expect(replyBar(page)).toHaveCount(0);
  await reply(page, `hello from ${carol.handle}`);
  await expect(replyBar(page)).toHaveText(new RegExp(`Replying to Carol: hello from ${carol.handle}`));
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(replyBar(page)).toHaveText(new RegExp(`Replying to Bob: hello from ${bob.handle}`));

  await page.reload();
  await expect(replyBar(page)).toHaveText(new RegExp(`Replying to Bob: hello from ${bob.handle}`));
  const tab = await otherTab(page, 'Bob', errors);
  await expect(replyBar(tab)).toHaveText(new RegExp(`Replying to Bob: hello from ${bob.handle}`));
  await composer(tab).fill('answering you');
  await composer(tab).press('Enter');
  const sent = messages(bob.page).getByRole('listitem').filter({ hasText: 'answering you' });
  await expect(sent.getByRole('button', { name: new RegExp(`^Reply to Bob: hello from ${bob.handle}`) })).toBeVisible();
  for (const each of [page, tab]) await expect(replyBar(each)).toHaveCount(0);
  // Carol's is still waiting in hers.
  await rooms(page).getByRole('button', { name: /Carol/ }).click();
  await expect(replyBar(page)).toHaveText(new RegExp(`Replying to Carol: hello from ${carol.handle}`));
  expect(errors.list).toEqual([]);
});

// Where the app puts focus in a message box holding a draft (a conversation opened from the keyboard, Reply),
// typing on continues the draft: the caret is at its end, not before it.
test('typing on in a message box the app gave focus to goes after its draft, not before it', async ({ browser }) => {
  const errors = trackPageErrors();
  const { alice, bob } = await aliceWithBobAndCarol(browser, errors);
  const page = alice.page;
  await rooms(page).getByRole('button', { name: /Bob/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await composer(page).fill('Hello Bob, about tomorrow');
  // To the neighbouring conversation and back, from the keyboard.
  const bobFirst = (await rooms(page).getByRole('button').allTextContents()).findIndex((name) => name.includes('Bob')) === 0;
  await page.keyboard.press(bobFirst ? 'Alt+ArrowDown' : 'Alt+ArrowUp');
  await expect(page.getByRole('heading', { name: 'Carol' })).toBeVisible();
  await page.keyboard.press(bobFirst ? 'Alt+ArrowUp' : 'Alt+ArrowDown');
  await expect(page.getByRole('heading', { name: 'Bob' })).toBeVisible();
  await expect(composer(page)).toBeFocused();
  await page.keyboard.type(' at 10?');
  await expect(composer(page)).toHaveValue('Hello Bob, about tomorrow at 10?');

  // After a reload (the box never focused yet), answering a message from its actions.
  await page.reload();
  await expect(composer(page)).toHaveValue('Hello Bob, about tomorrow at 10?');
  const message = messages(page).getByRole('listitem').filter({ hasText: `hello from ${bob.handle}` });
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(composer(page)).toBeFocused();
  await page.keyboard.type(' Sure!');
  await expect(composer(page)).toHaveValue('Hello Bob, about tomorrow at 10? Sure!');
  expect(errors.list).toEqual([]);
});
