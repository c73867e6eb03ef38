import { expect, test } from '@playwright/test';
import {
  assistantMessages,
  chooseModel,
  composer,
  openConversationId,
  routeInsufficientCredits,
  send,
  shownBalance,
  userMessages,
  waitForDone,
} from './chat-support.ts';
import { signUpViaApi } from './support.ts';

const SLOW = '[[fake tokens=400 delayMs=25]]';

test.beforeEach(async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
});

test('send: the reply streams, then shows its cost, and the balance goes down', async ({ page }) => {
  await expect(page.getByTestId('balance').first()).toHaveText('20,000');
  const before = await shownBalance(page);
  await send(page, `Hello there [[fake tokens=120 delayMs=20]]`);
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  await expect(userMessages(page)).toHaveCount(1);
  const reply = assistantMessages(page).first();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).toContainText('Fake reply');
  const early = ((await reply.textContent()) ?? '').length;
  await expect.poll(async () => ((await reply.textContent()) ?? '').length).toBeGreaterThan(early + 20);
  await expect(page.getByRole('button', { name: 'Stop generating' })).toBeVisible();
  await waitForDone(page);
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply.getByTestId('message-cost')).toHaveText(/^[\d,]+ credits$/);
  await expect.poll(() => shownBalance(page)).toBeLessThan(before);
  await expect(page.getByTestId('conversation-total')).toContainText('credits spent');
  // The conversation is listed in the sidebar under Today, and the composer has focus again.
  await expect(page.getByRole('complementary').getByRole('link', { name: /Hello there|Fake/ })).toBeVisible();
  await expect(composer(page)).toBeFocused();
});

test('stop keeps the partial answer (button and Esc)', async ({ page }) => {
  await send(page, `Tell me a long story ${SLOW}`);
  const reply = assistantMessages(page).first();
  await expect(reply).toContainText('Fake reply');
  await page.getByRole('button', { name: 'Stop generating' }).click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  const partial = (await reply.textContent()) ?? '';
  expect(partial.length).toBeGreaterThan(10);
  await expect(reply.getByRole('button', { name: 'Continue' })).toBeVisible();
  await page.reload();
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'stopped');
  await expect(assistantMessages(page).first()).toContainText('Fake reply');

  // Esc stops too.
  await send(page, `Again ${SLOW}`);
  const second = assistantMessages(page).nth(1);
  await expect(second).toContainText('Fake reply');
  await page.keyboard.press('Escape');
  await expect(second).toHaveAttribute('data-status', 'stopped');
});

test('regenerate makes 2 / 2 and the arrows switch between the replies', async ({ page }) => {
  await send(page, 'First question');
  await waitForDone(page);
  const firstText = await assistantMessages(page).first().textContent();
  await assistantMessages(page).first().hover();
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByText('2 / 2')).toBeVisible();
  await waitForDone(page);
  const secondText = await assistantMessages(page).first().textContent();
  expect(secondText).not.toBe(firstText);
  await page.getByRole('button', { name: 'Previous version' }).click();
  await expect(page.getByText('1 / 2')).toBeVisible();
  await expect(assistantMessages(page).first()).toContainText((firstText ?? '').slice(0, 14));
  await page.getByRole('button', { name: 'Next version' }).click();
  await expect(page.getByText('2 / 2')).toBeVisible();
  // The chosen branch is remembered on the server: once it holds the first reply as the conversation's current
  // leaf, a reload shows that reply again.
  await page.getByRole('button', { name: 'Previous version' }).click();
  await expect(page.getByText('1 / 2')).toBeVisible();
  const id = openConversationId(page);
  await expect
    .poll(async () => {
      const { conversation, messages } = (await (await page.request.get(`/api/conversations/${id}`)).json()) as {
        conversation: { currentLeafId: string | null };
        messages: { id: string; role: string; createdAt: string }[];
      };
      const replies = messages
        .filter((m) => m.role === 'assistant')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return conversation.currentLeafId === replies[0]?.id;
    })
    .toBe(true);
  await page.reload();
  await expect(page.getByText('1 / 2')).toBeVisible();
});

test('editing a user message makes a branch; the arrows switch', async ({ page }) => {
  await send(page, 'Original question');
  await waitForDone(page);
  await userMessages(page).first().hover();
  await page.getByRole('button', { name: 'Edit message' }).click();
  const editor = page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('Edited question');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(userMessages(page).first()).toContainText('Edited question');
  await expect(page.getByText('2 / 2')).toBeVisible();
  await waitForDone(page);
  await page.getByRole('button', { name: 'Previous version' }).click();
  await expect(userMessages(page).first()).toContainText('Original question');
  await expect(page.getByText('1 / 2')).toBeVisible();
  await expect(assistantMessages(page)).toHaveCount(1);
});

test('reload mid-answer: the reply keeps streaming and finishes', async ({ page }) => {
  await send(page, `Slow one ${SLOW}`);
  await expect(page).toHaveURL(/\/c\//);
  await expect(assistantMessages(page).first()).toContainText('Fake reply');
  await page.reload();
  const reply = assistantMessages(page).first();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  const len = ((await reply.textContent()) ?? '').length;
  await expect.poll(async () => ((await reply.textContent()) ?? '').length).toBeGreaterThan(len + 20);
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expect(reply.getByTestId('message-cost')).toBeVisible();
});

test('the demo endpoint answers', async ({ page }) => {
  await chooseModel(page, /Tessera Demo/);
  await send(page, 'What are you?');
  const reply = assistantMessages(page).first();
  await waitForDone(page);
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply).toContainText(/demo/i);
  // The choice is remembered.
  await page.goto('/');
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(/tessera-demo/);
});

test('a 402 shows the notice with a Claim tokens action', async ({ page }) => {
  await routeInsufficientCredits(page);
  await send(page, 'Hello?');
  const notice = page.getByRole('alert').filter({ hasText: 'Not enough credits for this reply.' });
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Claim tokens' }).click();
  await expect(page.getByText('20,000 credits added to your balance')).toBeVisible();
  await expect(page.getByTestId('balance').first()).toHaveText('40,000');
  await expect(notice).toBeHidden();
});

test('sidebar: rename, pin and delete a conversation', async ({ page }) => {
  await send(page, 'Sidebar test one');
  await waitForDone(page);
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await send(page, 'Sidebar test two');
  await waitForDone(page);
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  await expect(sidebar.getByRole('listitem')).toHaveCount(2);
  await expect(sidebar.getByRole('region', { name: 'Today' })).toBeVisible();

  // Rename the active one (the newest).
  const first = sidebar.getByRole('listitem').first();
  await first.hover();
  await first.getByRole('button', { name: /^Options for/ }).click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const input = sidebar.getByRole('textbox', { name: 'Conversation title' });
  await input.fill('Renamed chat');
  await input.press('Enter');
  await expect(sidebar.getByRole('link', { name: 'Renamed chat' })).toBeVisible();
  await expect(page.getByTestId('conversation-title')).toHaveText('Renamed chat');

  // Pin the other one: it moves to the top, in "Pinned".
  const second = sidebar.getByRole('listitem').nth(1);
  const secondTitle = (await second.getByRole('link').textContent()) ?? '';
  await second.hover();
  await second.getByRole('button', { name: /^Options for/ }).click();
  await page.getByRole('menuitem', { name: 'Pin', exact: true }).click();
  const pinned = sidebar.getByRole('region', { name: 'Pinned' });
  await expect(pinned.getByRole('link')).toHaveText(secondTitle);

  // Delete the renamed one (confirm) — we were on it, so we land on a new chat.
  const renamed = sidebar.getByRole('listitem').filter({ hasText: 'Renamed chat' });
  await renamed.hover();
  await renamed.getByRole('button', { name: /^Options for/ }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete conversation?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByRole('listitem')).toHaveCount(1);
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await expect(sidebar.getByRole('listitem')).toHaveCount(1);
});

test('Ctrl+Shift+O starts a new chat', async ({ page }) => {
  await send(page, 'Shortcut test');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  await page.keyboard.press('Control+Shift+O');
  await expect(page).toHaveURL(/\/$/);
  await expect(userMessages(page)).toHaveCount(0);
});

test('a 10,000-message conversation opens at its end and stays virtualised', async ({ page }) => {
  const id = 'big-conversation';
  const start = Date.UTC(2026, 0, 1);
  const messages = Array.from({ length: 10_000 }, (_, i) => ({
    id: `m${i}`,
    conversationId: id,
    parentId: i === 0 ? null : `m${i - 1}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: i % 2 === 0 ? `Question number ${i}` : `Answer number ${i} with **bold** text`,
    status: 'complete',
    error: null,
    endpoint: i % 2 ? 'openai' : null,
    model: i % 2 ? 'gpt-4o-mini' : null,
    usage: null,
    cost: i % 2 ? 10 : null,
    finishReason: i % 2 ? 'stop' : null,
    ttftMs: null,
    durationMs: null,
    createdAt: new Date(start + i * 1000).toISOString(),
  }));
  const conversation = {
    id,
    title: 'Huge conversation',
    endpoint: 'openai',
    model: 'gpt-4o-mini',
    systemPrompt: null,
    params: {},
    pinned: false,
    archived: false,
    temporary: false,
    currentLeafId: 'm9999',
    totalCost: 50_000,
    createdAt: new Date(start).toISOString(),
    updatedAt: new Date(start).toISOString(),
  };
  await page.route(`**/api/conversations/${id}`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conversation, messages }) }),
  );
  // How fast it opens is measured by npm run bench:chat; a timed assert here fails on a busy machine.
  await page.goto(`/c/${id}`);
  await expect(page.getByText('Answer number 9999')).toBeVisible();
  expect(await page.getByTestId('assistant-message').count()).toBeLessThan(60);
  await expect(page.getByTestId('conversation-total')).toHaveText('50,000 credits spent');

  // Scroll to the very top: the first question renders, the last answer is gone from the DOM.
  // Rows measured on the way up move the top, so scroll again until the first question is there.
  const scroller = page.getByTestId('message-scroller');
  const first = page.getByText('Question number 0', { exact: true });
  await expect
    .poll(async () => {
      await scroller.evaluate((el) => (el.scrollTop = 0));
      return first.isVisible();
    })
    .toBe(true);
  await expect(first).toBeVisible();
  await expect(page.getByText('Answer number 9999')).toHaveCount(0);
});

test('continue extends a stopped reply', async ({ page }) => {
  await send(page, `Long answer please ${SLOW}`);
  const reply = assistantMessages(page).first();
  await expect(reply).toContainText('Fake reply');
  await page.getByRole('button', { name: 'Stop generating' }).click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  const partial = ((await reply.textContent()) ?? '').length;
  await reply.getByRole('button', { name: 'Continue' }).click();
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  expect(((await reply.textContent()) ?? '').length).toBeGreaterThan(partial);
  await expect(assistantMessages(page)).toHaveCount(1);
});

test('a provider failure shows an inline error; Retry answers again', async ({ page }) => {
  await send(page, 'Break please [[fake fail=500]]');
  const reply = assistantMessages(page).first();
  await expect(reply).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  const alert = reply.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).not.toHaveText(/^\s*$/);
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByText('2 / 2')).toBeVisible();
});
