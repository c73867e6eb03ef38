import { expect, test } from '@playwright/test';
import type { ChatEvent, Message } from '@tessera/shared';
import { assistantMessages, chooseModel, send, waitForDone } from './chat-support.ts';
import { ANSWER, playRecording, reasoning, reasoningRecording, REASONING } from './parts-support.ts';
import { ownOrigin, signUpViaApi } from './support.ts';

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

test('the real server streams parts in the shapes the recorded reasoning reply uses', async ({ page }) => {
  const response = await page.request.post('/api/chat', {
    headers: { ...ownOrigin(), accept: 'text/event-stream' },
    data: {
      action: 'send',
      parentId: null,
      content: 'Shapes? [[fake tokens=12]]',
      endpoint: 'openai',
      model: 'gpt-4o-mini',
    },
  });
  expect(response.status()).toBe(200);
  const events = parseSse(await response.text());
  expect(events[0]?.type).toBe('start');
  const deltas = events.filter((e) => e.type === 'delta');
  expect(deltas.length).toBeGreaterThan(0);
  for (const delta of deltas) expect(delta).toMatchObject({ index: 0, part: 'text', text: expect.any(String) });
  const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
  expect(done).toBeDefined();
  expect(done.message.parts).toEqual([{ type: 'text', text: done.message.content }]);

  // And the page shows what was saved, through the part registry.
  await page.goto(`/c/${done.message.conversationId}`);
  await expect(assistantMessages(page).first()).toContainText(done.message.content.slice(0, 20));
  await expect(page.getByTestId('reasoning-part')).toHaveCount(0);
});

test('a reply that reasons shows its thinking while it streams, then folds it above the answer', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const recording = reasoningRecording('Why is the sky blue?');
  const player = await playRecording(page, { ...recording, messages: [recording.user, recording.final] });
  await send(page, 'Why is the sky blue?');

  const reply = assistantMessages(page).first();
  const { block, summary } = reasoning(page);
  // Thinking: open, announced as such, the reasoning visible as it arrives; no answer yet.
  await expect(block).toHaveAttribute('data-state', 'thinking');
  await expect(summary).toHaveText('Thinking…');
  await expect(block).toHaveJSProperty('open', true);
  await expect(block).toContainText('Violet scatters even more');
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).not.toContainText('The sky is blue because');

  player.release();
  await waitForDone(page);
  // Answered: the reasoning folds to how long it took; the answer is markdown below it.
  await expect(block).toHaveAttribute('data-state', 'done');
  await expect(summary).toHaveText(/^Thought for \d+ s$/);
  await expect(block).toHaveJSProperty('open', false);
  await expect(block.getByText('Violet scatters even more')).toBeHidden();
  await expect(reply.locator('strong', { hasText: 'Rayleigh scattering' }).last()).toBeVisible();
  const box = await block.boundingBox();
  const answer = await reply.getByText('At sunset the light').boundingBox();
  expect(box!.y).toBeLessThan(answer!.y);

  // The reader opens it again, by mouse and by keyboard.
  await summary.click();
  await expect(block).toHaveJSProperty('open', true);
  await expect(block.getByText('Violet scatters even more')).toBeVisible();
  await summary.focus();
  await page.keyboard.press('Enter');
  await expect(block).toHaveJSProperty('open', false);

  // Copy takes the answer only, not the reasoning.
  await reply.hover();
  await reply.getByRole('button', { name: 'Copy message' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER);

  // Reopened from the server's copy (no timing known): "Reasoning", folded.
  await page.reload();
  await expect(summary).toHaveText('Reasoning');
  await expect(block).toHaveJSProperty('open', false);
  await player.close();
});

test('the output-limit notice says what the balance covers, under the reply', async ({ page }) => {
  const recording = reasoningRecording('A long essay, please', {
    notice: { maxOutputTokens: 1200, requested: 4096 },
  });
  const player = await playRecording(page, { ...recording, messages: [recording.user, recording.final] });
  await send(page, 'A long essay, please');
  const notice = assistantMessages(page).first().getByTestId('output-limit-notice');
  await expect(notice).toHaveText('Your balance covers up to 1,200 tokens for this reply (asked for 4,096).');
  player.release();
  await waitForDone(page);
  await expect(notice).toBeVisible();
  await player.close();
});

test('a tab that joins mid-thought gets the reasoning from the snapshot and follows it', async ({ page }) => {
  const recording = reasoningRecording('Why is the sky blue?');
  const half = REASONING.slice(0, 120);
  const streaming: Message = {
    ...recording.final,
    status: 'streaming',
    content: '',
    parts: [{ type: 'reasoning', text: half }],
    usage: null,
    cost: null,
    finishReason: null,
  };
  const player = await playRecording(
    page,
    {
      conversation: recording.conversation,
      messages: [recording.user, streaming],
      steps: [
        { type: 'snapshot', message: streaming },
        { type: 'delta', index: 0, part: 'reasoning', text: REASONING.slice(120) },
        'gate',
        { type: 'delta', index: 1, part: 'text', text: ANSWER },
        { type: 'done', message: recording.final, balance: null },
      ],
    },
    { matches: (method, path) => method === 'GET' && path === `/api/chat/${streaming.id}/stream` },
  );
  await page.goto(`/c/${recording.conversation.id}`);
  const { block, summary } = reasoning(page);
  await expect(summary).toHaveText('Thinking…');
  await expect(block).toContainText('Violet scatters even more');
  player.release();
  await waitForDone(page);
  await expect(summary).toHaveText('Reasoning');
  await expect(assistantMessages(page).first()).toContainText('At sunset the light');
  await player.close();
});
