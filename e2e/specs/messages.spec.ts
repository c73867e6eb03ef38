import { expect, test, type Page } from '@playwright/test';
import { assistantMessages, chooseModel, composer, send, userMessages, waitForDone } from './chat-support.ts';
import { signUpViaApi } from './support.ts';

// Message-level behaviour: fork from a question, Continue after a cut-off reply, translated errors,
// usage on a free endpoint, markdown that cannot run code, copying code, Shift+Enter.

declare global {
  interface Window {
    /** Set by the reply's would-be code if it ever ran. */
    pwned?: number;
  }
}

/** Saves the user's own key for "Own Key AI" (tessera.e2e.yaml: `apiKey: user_provided`, free by default). */
async function saveOwnKey(page: Page, apiKey: string): Promise<void> {
  const baseURL = test.info().project.use.baseURL ?? 'http://localhost:3180';
  const response = await page.request.put('/api/provider-keys/byok', {
    data: { apiKey },
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** The reply's rendered markdown (its text, without the action row or an error notice). */
function body(page: Page, index = 0) {
  return assistantMessages(page).nth(index).locator('.md');
}

test.describe('in English', () => {
  test.beforeEach(async ({ page }) => {
    await signUpViaApi(page);
    await page.goto('/');
    await chooseModel(page, /gpt-4o-mini/);
  });

  test('fork from a user message: this branch only, and with the branches below', async ({ page }) => {
    await send(page, 'First question');
    await waitForDone(page);
    await send(page, 'Second question');
    await waitForDone(page);
    await expect(assistantMessages(page)).toHaveCount(2);
    const original = page.url();

    // "This branch only" from the second question: the new chat ends at that question.
    const second = userMessages(page).nth(1);
    await second.hover();
    await second.getByRole('button', { name: 'Fork from here' }).click();
    // The menu opens leftwards from the right-aligned question: it stays inside the window.
    const menu = await page.getByRole('menu').boundingBox();
    expect(menu!.x).toBeGreaterThanOrEqual(0);
    expect(menu!.x + menu!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    await page.getByRole('menuitem', { name: 'This branch only' }).click();
    await expect(page.getByText('Forked into a new chat')).toBeVisible();
    await expect(page).not.toHaveURL(original);
    await expect(page).toHaveURL(/\/c\/[\w-]+$/);
    await expect(page.getByTestId('conversation-title')).toContainText('(fork)');
    await expect(userMessages(page)).toHaveCount(2);
    await expect(userMessages(page).nth(1)).toContainText('Second question');
    await expect(assistantMessages(page)).toHaveCount(1);
    // The fork goes on from there.
    await send(page, 'Third question');
    await waitForDone(page);
    await expect(assistantMessages(page)).toHaveCount(2);
    await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete');

    // "With branches below" from the first question keeps everything under it.
    await page.goto(original);
    const first = userMessages(page).first();
    await first.hover();
    await first.getByRole('button', { name: 'Fork from here' }).click();
    await page.getByRole('menuitem', { name: 'With branches below' }).click();
    await expect(page).not.toHaveURL(original);
    await expect(userMessages(page)).toHaveCount(2);
    await expect(assistantMessages(page)).toHaveCount(2);
    await expect(userMessages(page).nth(1)).toContainText('Second question');
  });

  test('a reply cut off mid-stream offers Continue, which adds to it', async ({ page }) => {
    await send(page, 'Cut me off [[fake tokens=200 cutAfter=12]]');
    const reply = assistantMessages(page).first();
    await expect(reply).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
    await expect(reply.getByRole('alert')).toContainText('broke off mid-reply; what arrived is kept');
    const partial = (await body(page).textContent()) ?? '';
    expect(partial).toContain('Fake reply');

    await reply.getByRole('button', { name: 'Continue' }).click();
    // The continuation is asked for with a request to go on (its own last user message, without the
    // directive), so this time the reply runs to its end: the text grows and the error is gone.
    await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
    expect(((await body(page).textContent()) ?? '').length).toBeGreaterThan(partial.length);
    await expect(reply.getByRole('alert')).toHaveCount(0);
    expect((await body(page).textContent()) ?? '').toContain(partial.trim());
    await expect(assistantMessages(page)).toHaveCount(1);
    await expect(page.getByText('2 / 2')).toHaveCount(0);
  });

  test('a free endpoint shows the tokens and timing of a reply, without a cost', async ({ page }) => {
    await saveOwnKey(page, 'sk-e2e-free-0123456789abcdef');
    await page.reload();
    await chooseModel(page, /Own Key AI/);
    await send(page, 'Free reply please [[fake tokens=30]]');
    await waitForDone(page);
    const reply = assistantMessages(page).first();
    await expect(reply).toHaveAttribute('data-status', 'complete');
    await expect(reply.getByTestId('message-cost')).toHaveCount(0);
    const details = reply.getByTestId('message-details');
    await expect(details).toHaveText(/^[\d,]+ tokens$/);
    await details.click();
    const list = reply.locator('dl');
    await expect(list).toBeVisible();
    await expect(list.locator('div', { hasText: 'Output tokens' }).locator('dd')).toHaveText('30');
    await expect(list).toContainText('Input tokens');
    await expect(list).toContainText('Duration');
    await expect(list).toContainText('byok-mini');
  });

  test('GitHub-flavoured markdown renders: a table, strikethrough, a task list, an autolink and a footnote', async ({
    page,
  }) => {
    // Inside the directive's quoted value, \n is a line break.
    const reply = [
      '| Planet | Moons |',
      '| :-- | --: |',
      '| Earth | 1 |',
      '| Mars | 2 |',
      '',
      'This is ~~wrong~~ right, see https://example.com/docs and a note[^1].',
      '',
      '- [x] done',
      '- [ ] to do',
      '',
      '[^1]: The footnote.',
    ].join('\\n');
    await send(page, `Markdown please [[fake text="${reply}"]]`);
    await waitForDone(page);
    const md = body(page);
    await expect(md.locator('table th')).toHaveText(['Planet', 'Moons']);
    await expect(md.locator('table tbody tr')).toHaveCount(2);
    await expect(md.locator('table tbody tr').nth(1).locator('td')).toHaveText(['Mars', '2']);
    await expect(md.locator('del')).toHaveText('wrong');
    await expect(md.locator('a[href="https://example.com/docs"]')).toHaveCount(1);
    await expect(md.locator('input[type="checkbox"]')).toHaveCount(2);
    await expect(md.locator('input[type="checkbox"]').first()).toBeChecked();
    await expect(md.locator('section.footnotes, [data-footnotes]')).toContainText('The footnote.');
  });

  test('markdown from the model cannot run code: script, onerror and javascript: links stay inert', async ({
    page,
  }) => {
    // Inside the directive's quoted value, \" is a quote.
    const reply =
      'Tricks: <script>window.pwned=1</script> and <img src=\\"x\\" onerror=\\"window.pwned=2\\"> and ' +
      '<javascript:window.pwned=3> and <a href=\\"javascript:window.pwned=4\\">four</a> end';
    await send(page, `Sanitize [[fake text="${reply}"]]`);
    await waitForDone(page);
    const message = assistantMessages(page).first();
    await expect(message).toHaveAttribute('data-status', 'complete');
    // Raw HTML shows as text; no element is made from it.
    await expect(message).toContainText('<script>window.pwned=1</script>');
    await expect(message).toContainText('<img src="x" onerror="window.pwned=2">');
    await expect(message).toContainText('<a href="javascript:window.pwned=4">four</a>');
    await expect(message.locator('script, img, iframe')).toHaveCount(0);
    // The javascript: autolink renders as plain text, not as a link.
    await expect(message).toContainText('javascript:window.pwned=3');
    const hrefs = await message.locator('.md a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    for (const href of hrefs) expect(href).not.toMatch(/^\s*javascript:/i);
    await message.getByText('javascript:window.pwned=3', { exact: true }).click();
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    expect(page.context().pages()).toHaveLength(1);
  });

  test('the copy button of a code block copies its code', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const code = 'const answer = 42;\\nconsole.log(answer);';
    await send(page, `Code please [[fake text="Here:\\n\\n\`\`\`js\\n${code}\\n\`\`\`\\n"]]`);
    await waitForDone(page);
    const message = assistantMessages(page).first();
    await expect(message.locator('pre')).toContainText('console.log(answer);');
    const copy = message.getByRole('button', { name: 'Copy code' });
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('const answer = 42;\nconsole.log(answer);');
  });

  test('Shift+Enter adds a line; Enter sends', async ({ page }) => {
    const box = composer(page);
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    await expect(box).toHaveValue('line one\nline two');
    await expect(userMessages(page)).toHaveCount(0);
    await expect(page).toHaveURL(/\/$/);
    await box.press('Enter');
    await expect(userMessages(page)).toHaveCount(1);
    expect(await userMessages(page).first().innerText()).toContain('line one\nline two');
    await expect(box).toHaveValue('');
    await waitForDone(page);
  });
});

test.describe('in Simplified Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test.beforeEach(async ({ page }) => {
    await signUpViaApi(page);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  });

  test('a failed reply explains itself in Chinese, keeping the HTTP status', async ({ page }) => {
    await chooseModel(page, /gpt-4o-mini/);
    await send(page, '出错吧 [[fake fail=503]]');
    const reply = assistantMessages(page).first();
    await expect(reply).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
    const alert = reply.getByRole('alert');
    await expect(alert).toContainText('模型服务商出错（HTTP 503），请重试。');
    await expect(alert).not.toContainText('The model provider');
    await expect(alert.getByRole('button', { name: '重试' })).toBeVisible();
    // Nothing arrived, so there is nothing to continue, and no cost or tokens to show.
    await expect(reply.getByRole('button', { name: '继续' })).toHaveCount(0);
    await expect(reply.getByTestId('message-details')).toHaveCount(0);
    await screenshots(page, 'error-http');
  });

  test("a rejected own key says it is the user's key to fix", async ({ page }) => {
    await saveOwnKey(page, 'bad-key'); // the fake LLM answers 401 to this key
    await page.reload();
    await chooseModel(page, /Own Key AI/);
    await send(page, '你好');
    const reply = assistantMessages(page).first();
    await expect(reply).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
    await expect(reply.getByRole('alert')).toContainText(
      '模型服务商拒绝了你为此端点提供的 API 密钥，请在“设置 → 服务商密钥”中检查。',
    );
    await screenshots(page, 'error-own-key');
  });

  test('a reply cut off mid-stream: the Chinese notice and Continue', async ({ page }) => {
    await chooseModel(page, /gpt-4o-mini/);
    await send(page, '写长一点 [[fake tokens=200 cutAfter=12]]');
    const reply = assistantMessages(page).first();
    await expect(reply).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
    await expect(reply.getByRole('alert')).toContainText('与模型服务商的连接在回复中途断开，已收到的内容已保留。');
    await expect(reply.getByRole('button', { name: '继续' })).toBeVisible();
    await screenshots(page, 'error-cut');
  });
});

/**
 * With E2E_SHOTS=<dir>: the page in light and dark, at desktop width and at 390 px, for a person to look at.
 */
async function screenshots(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS;
  if (!dir) return;
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [size.width, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : size.height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(150);
      await page.screenshot({ path: `${dir}/${name}-${width}-${scheme}.png` });
    }
  }
  await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme: 'light' });
}
