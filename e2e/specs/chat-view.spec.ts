import { expect, test, type Page } from '@playwright/test';
import {
  assistantMessages,
  chooseModel,
  composer,
  nextChatRequest,
  openConversationId,
  pickedModel,
  send,
  waitForDone,
} from './chat-support.ts';
import { ownOrigin, signUpViaApi } from './support.ts';

const DEMO_REPLY = /Tessera demo model/;

function sidebar(page: Page) {
  return page.getByRole('complementary', { name: /^(Sidebar|侧边栏)$/ });
}

function sidebarLink(page: Page, id: string) {
  return sidebar(page).locator(`a[href="/c/${id}"]`);
}

/** Sends and waits for the reply to this message (not the one before it) to finish. */
async function sendAndWait(page: Page, text: string): Promise<void> {
  const before = await assistantMessages(page).count();
  await send(page, text);
  await expect(assistantMessages(page)).toHaveCount(before + 1);
  await waitForDone(page);
}

/** Starts a new chat on the model matching `label` and waits for its reply; returns the conversation id. */
async function startChat(page: Page, label: RegExp, text: string): Promise<string> {
  await page.goto('/');
  await chooseModel(page, label);
  await send(page, text);
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  await waitForDone(page);
  return openConversationId(page);
}

test('the model picker follows the open conversation; regenerate uses that conversation’s model', async ({ page }) => {
  await signUpViaApi(page);
  const fake = await startChat(page, /gpt-4o-mini/, 'A question for the fake model');
  await expect(assistantMessages(page).first()).toContainText('Fake reply');
  const demo = await startChat(page, /Tessera Demo/, 'A question for the demo');
  await expect(assistantMessages(page).first()).toContainText(DEMO_REPLY);

  // The conversation on the fake OpenAI model shows and uses it, though the last pick is the demo.
  await sidebarLink(page, fake).click();
  await expect(page).toHaveURL(new RegExp(`/c/${fake}$`));
  await expect.poll(() => pickedModel(page)).toMatch(/gpt-4o-mini/);
  let request = nextChatRequest(page);
  await assistantMessages(page).first().hover();
  await page.getByRole('button', { name: 'Regenerate' }).click();
  expect(await request).toMatchObject({ action: 'regenerate', endpoint: 'openai', model: 'gpt-4o-mini' });
  await expect(page.getByText('2 / 2')).toBeVisible();
  await waitForDone(page);
  await expect(assistantMessages(page).first()).toContainText('Fake reply');
  await expect(assistantMessages(page).first()).not.toContainText(DEMO_REPLY);

  // Opening it did not change where a new chat starts: the last pick.
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => pickedModel(page)).toMatch(/Tessera Demo/);

  // And the demo conversation goes on with the demo.
  await sidebarLink(page, demo).click();
  await expect(page).toHaveURL(new RegExp(`/c/${demo}$`));
  await expect.poll(() => pickedModel(page)).toMatch(/Tessera Demo/);
  request = nextChatRequest(page);
  await sendAndWait(page, 'Still the demo?');
  expect(await request).toMatchObject({ action: 'send', conversationId: demo, model: 'tessera-demo' });
  await expect(assistantMessages(page).last()).toContainText(DEMO_REPLY);

  // Picking another model inside a conversation applies to its next messages and is kept with it.
  await chooseModel(page, /gpt-4o-mini/);
  await page.reload();
  await expect.poll(() => pickedModel(page)).toMatch(/gpt-4o-mini/);
  request = nextChatRequest(page);
  await sendAndWait(page, 'Now the fake model, please');
  expect(await request).toMatchObject({ conversationId: demo, endpoint: 'openai', model: 'gpt-4o-mini' });
  await expect(assistantMessages(page).last()).toContainText('Fake reply');

  // A new chat starts from the last pick, made in that conversation.
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => pickedModel(page)).toMatch(/gpt-4o-mini/);
});

test('a conversation whose model is no longer offered opens on the default model', async ({ page }) => {
  await signUpViaApi(page);
  const id = await startChat(page, /Tessera Demo/, 'Soon on a retired model');
  const patched = await page.request.patch(`/api/conversations/${id}`, {
    data: { endpoint: 'openai', model: 'retired-model' },
    headers: ownOrigin(),
  });
  expect(patched.status(), await patched.text()).toBe(200);
  const models = (await (await page.request.get('/api/models')).json()) as {
    default: { endpoint: string; model: string };
  };
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(
    `${models.default.endpoint}\u0001${models.default.model}`,
  );
  const request = nextChatRequest(page);
  await sendAndWait(page, 'Which model now?');
  expect(await request).toMatchObject(models.default);
});

test('temporary chat: the switch, its notice, and the chat stays out of the sidebar', async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  const toggle = page.getByRole('button', { name: 'Temporary chat' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('composer-notice')).toHaveCount(0);

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const notice = page.getByTestId('composer-notice');
  await expect(notice).toHaveText(/won't appear in your history/);
  await expect(notice).toContainText('30 days');
  await expect(page.getByRole('heading', { name: 'Temporary chat' })).toBeVisible();

  const request = nextChatRequest(page);
  await send(page, 'Keep this one off the record');
  expect(await request).toMatchObject({ action: 'send', temporary: true });
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  const id = openConversationId(page);
  await waitForDone(page);
  await expect(page.getByTestId('temporary-badge')).toBeVisible();
  await expect(page.getByTestId('composer-notice')).toBeVisible();
  await expect(sidebarLink(page, id)).toHaveCount(0);
  await expect(sidebar(page).getByText('No conversations yet')).toBeVisible();
  // The switch stays on for the next new chat until it is turned off.
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('composer-notice')).toBeVisible();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('composer-notice')).toHaveCount(0);

  // Loaded afresh, the temporary chat is still not listed (the server leaves it out), but it opens.
  await page.goto(`/c/${id}`);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByTestId('temporary-badge')).toBeVisible();
  await expect(sidebar(page).getByText('No conversations yet')).toBeVisible();

  // A normal chat again is listed.
  await page.goto('/');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await send(page, 'This one is kept');
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  await expect(sidebarLink(page, openConversationId(page))).toBeVisible();
  await expect(page.getByTestId('temporary-badge')).toHaveCount(0);
});

test('a chat started in another tab appears in the sidebar when this tab is back in focus', async ({
  page,
  context,
}) => {
  await signUpViaApi(page);
  await page.goto('/');
  await expect(sidebar(page).getByText('No conversations yet')).toBeVisible();

  const other = await context.newPage();
  await other.goto('/');
  await chooseModel(other, /gpt-4o-mini/);
  await send(other, 'Made in the other tab');
  await expect(other).toHaveURL(/\/c\/[\w-]+$/);
  const first = openConversationId(other);
  await waitForDone(other);
  await expect(sidebarLink(other, first)).toBeVisible();
  expect(await sidebarLink(page, first).count()).toBe(0);

  // Back to this tab (visibilitychange).
  await page.bringToFront();
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
  await expect(sidebarLink(page, first)).toBeVisible();

  // Back to this window (focus), seconds later: read again, not held back by the cache.
  await other.bringToFront();
  await other.getByRole('link', { name: 'New chat' }).first().click();
  await send(other, 'Another one from the other tab');
  await expect(other).toHaveURL(/\/c\/[\w-]+$/);
  const second = openConversationId(other);
  await waitForDone(other);
  expect(await sidebarLink(page, second).count()).toBe(0);
  await page.bringToFront();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(sidebarLink(page, second)).toBeVisible();
  await expect(composer(page)).toBeVisible();
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('an untitled conversation shows the translated default title', async ({ page }) => {
    await signUpViaApi(page);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await chooseModel(page, /gpt-4o-mini/);
    // The title is asked of the same fake model with the question's first 2,000 characters: that part says
    // fail, so no title is written; the whole question (the reply's) ends by taking the failure back.
    const padding = 'lorem ipsum '.repeat(180);
    await send(page, `Untitled please [[fake fail=400]] ${padding} [[fake fail=0]]`);
    await expect(page).toHaveURL(/\/c\/[\w-]+$/);
    const id = openConversationId(page);
    await waitForDone(page);
    await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');

    await page.reload();
    await expect(page.getByTestId('conversation-title')).toHaveText('新对话');
    await expect(page).toHaveTitle('新对话 · Tessera');
    await expect(sidebarLink(page, id)).toHaveText('新对话');
    await expect(sidebar(page).getByText('New chat', { exact: true })).toHaveCount(0);
    // What the server has is still its own English default: no title was written meanwhile.
    const saved = await page.request.get(`/api/conversations/${id}`);
    expect(((await saved.json()) as { conversation: { title: string } }).conversation.title).toBe('New chat');
  });
});
