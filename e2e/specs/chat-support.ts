import { expect, type Page } from '@playwright/test';

/** Picks the model whose option text matches (the picker is a native <select>). */
export async function chooseModel(page: Page, label: RegExp): Promise<void> {
  const select = page.getByRole('combobox', { name: /^(Model|模型)$/ });
  await expect(select).toBeVisible();
  const value = await select.evaluate((el, source) => {
    const re = new RegExp(source);
    const option = Array.from((el as HTMLSelectElement).options).find((o) => re.test(o.text));
    return option?.value ?? null;
  }, label.source);
  expect(value, `a model matching ${label}`).not.toBeNull();
  await select.selectOption(value!);
}

export function composer(page: Page) {
  return page.getByRole('textbox', { name: /^(Message|消息)$/ });
}

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

export function assistantMessages(page: Page) {
  return page.getByTestId('assistant-message');
}

export function userMessages(page: Page) {
  return page.getByTestId('user-message');
}

/** The balance shown in the sidebar (desktop), as a number. */
export async function shownBalance(page: Page): Promise<number> {
  const text = (await page.getByTestId('balance').first().textContent()) ?? '';
  return Number(text.replace(/[^\d-]/g, ''));
}

export async function waitForDone(page: Page, index = -1): Promise<void> {
  const list = assistantMessages(page);
  const item = index < 0 ? list.last() : list.nth(index);
  await expect(item).toHaveAttribute('data-status', /complete|stopped|error/, { timeout: 20_000 });
}

/** The next chat requests fail with 402: too few credits for a reply. */
export async function routeInsufficientCredits(page: Page): Promise<void> {
  await page.route('**/api/chat', (route) =>
    route.fulfill({
      status: 402,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'INSUFFICIENT_CREDITS',
          message: 'Not enough credits for this reply.',
          balance: 3,
          required: 900,
        },
      }),
    }),
  );
}

/** The text of the model picker's chosen option ("Endpoint · Model"). */
export async function pickedModel(page: Page): Promise<string> {
  const select = page.getByRole('combobox', { name: /^(Model|模型)$/ });
  return select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text ?? '');
}

/** The body of the next POST /api/chat the page sends (call before the action, await after it). */
export function nextChatRequest(page: Page): Promise<Record<string, unknown>> {
  return page
    .waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/chat')
    .then((r) => r.postDataJSON() as Record<string, unknown>);
}

/** The id of the conversation open in the page ("/c/:id"). */
export function openConversationId(page: Page): string {
  const id = /\/c\/([\w-]+)$/.exec(new URL(page.url()).pathname)?.[1];
  expect(id, 'a conversation is open').toBeTruthy();
  return id!;
}
