import { expect, test, type Page } from '@playwright/test';
import type { ChatEvent, ConversationWithMessages, Message } from '@tessera/shared';
import { assistantMessages, chooseModel, openConversationId, send, waitForDone } from './chat-support.ts';
import { reasoning } from './parts-support.ts';
import { ownOrigin, signUpViaApi } from './support.ts';

// Reasoning from the real server: the fake LLM streams visible reasoning with `[[fake thinking=N]]` (over the
// Responses API here), and the server sends it as deltas to part 0 and the answer to part 1.

test.beforeEach(async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
});

/** The server-sent events of a response body, parsed. */
function parseSse(body: string): ChatEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const type = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1] ?? '{}';
      return { ...(JSON.parse(data) as object), type } as ChatEvent;
    });
}

async function savedReply(page: Page): Promise<Message> {
  const id = openConversationId(page);
  const data = (await (await page.request.get(`/api/conversations/${id}`)).json()) as ConversationWithMessages;
  return data.messages.find((m) => m.role === 'assistant')!;
}

test('the server streams reasoning to part 0 and the answer to part 1 (the shapes recorded replies use)', async ({
  page,
}) => {
  const response = await page.request.post('/api/chat', {
    headers: { ...ownOrigin(), accept: 'text/event-stream' },
    data: {
      action: 'send',
      parentId: null,
      content: 'Shapes? [[fake thinking=8 tokens=8]]',
      endpoint: 'openai',
      model: 'gpt-4o-mini',
    },
  });
  expect(response.status()).toBe(200);
  const events = parseSse(await response.text());
  expect(events[0]?.type).toBe('start');
  const deltas = events.filter((e) => e.type === 'delta');
  expect(deltas.some((d) => d.index === 0 && d.part === 'reasoning')).toBe(true);
  expect(deltas.some((d) => d.index === 1 && d.part === 'text')).toBe(true);
  expect(deltas.every((d) => (d.index === 0) === (d.part === 'reasoning'))).toBe(true);
  const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
  expect(done.message.parts.map((p) => p.type)).toEqual(['reasoning', 'text']);
  expect(done.message.content).toBe((done.message.parts[1] as { text: string }).text);
});

test('a reply that reasons shows its thinking while it streams, then folds it above the answer', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await send(page, 'Why is the sky blue? [[fake thinking=80 tokens=30 delayMs=30]]');

  const reply = assistantMessages(page).first();
  const { block, summary } = reasoning(page);
  // Thinking: open, said so, the reasoning visible as it arrives; no answer yet.
  await expect(block).toHaveAttribute('data-state', 'thinking');
  await expect(summary).toHaveText('Thinking…');
  await expect(block).toHaveJSProperty('open', true);
  await expect(block).toContainText('Fake thinking');
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).not.toContainText('Fake reply');

  await waitForDone(page);
  // Answered: the reasoning folds to how long it took; the answer is below it.
  await expect(block).toHaveAttribute('data-state', 'done');
  await expect(summary).toHaveText(/^Thought for \d+ s$/);
  await expect(block).toHaveJSProperty('open', false);
  await expect(block.getByText('Fake thinking')).toBeHidden();
  const answer = reply.getByText(/Fake reply/);
  await expect(answer).toBeVisible();
  expect((await block.boundingBox())!.y).toBeLessThan((await answer.boundingBox())!.y);

  // The reader opens it again, by mouse and by keyboard.
  await summary.click();
  await expect(block).toHaveJSProperty('open', true);
  await expect(block.getByText('Fake thinking')).toBeVisible();
  await summary.focus();
  await page.keyboard.press('Enter');
  await expect(block).toHaveJSProperty('open', false);

  // Copy takes the answer only, not the reasoning.
  const saved = await savedReply(page);
  expect(saved.parts.map((p) => p.type)).toEqual(['reasoning', 'text']);
  await reply.hover();
  await reply.getByRole('button', { name: 'Copy message' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(saved.content);

  // Reopened from what the server saved (no timing known to this tab): "Reasoning", folded.
  await page.reload();
  await expect(summary).toHaveText('Reasoning');
  await expect(block).toHaveJSProperty('open', false);
  await summary.click();
  await expect(block).toContainText('Fake thinking');
});

test('a tab that joins mid-thought gets the reasoning from the snapshot and follows it', async ({ page }) => {
  await send(page, 'Think slowly [[fake thinking=200 tokens=20 delayMs=30]]');
  const { block, summary } = reasoning(page);
  await expect(block).toContainText('Fake thinking');
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);

  await page.reload();
  await expect(summary).toHaveText('Thinking…');
  await expect(block).toHaveJSProperty('open', true);
  await expect(block).toContainText('Fake thinking');
  const early = ((await block.textContent()) ?? '').length;
  await expect.poll(async () => ((await block.textContent()) ?? '').length).toBeGreaterThan(early);
  await waitForDone(page);
  await expect(summary).toHaveText('Reasoning');
  await expect(block).toHaveJSProperty('open', false);
  await expect(assistantMessages(page).first()).toContainText('Fake reply');
});

test('the output-limit notice says what the balance covers, under the reply', async ({ page }) => {
  // 200,000 output tokens of gpt-4o-mini cost more than a new account's 20,000 credits.
  await page.getByRole('button', { name: /^Chat settings/ }).click();
  const sheet = page.getByRole('dialog', { name: 'Chat settings' });
  await sheet.getByRole('spinbutton', { name: 'Max output tokens' }).fill('200000');
  await sheet.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(sheet).toBeHidden();

  await send(page, 'A long essay, please [[fake tokens=40 delayMs=20]]');
  const notice = assistantMessages(page).first().getByTestId('output-limit-notice');
  await expect(notice).toHaveText(/^Your balance covers up to [\d,]+ tokens for this reply \(asked for 200,000\)\.$/);
  await waitForDone(page);
  await expect(notice).toBeVisible();
});
