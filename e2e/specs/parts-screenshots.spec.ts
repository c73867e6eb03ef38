import { expect, test, type Page } from '@playwright/test';
import { assistantMessages, chooseModel, send, waitForDone } from './chat-support.ts';
import type { MessagePart } from '@tessera/shared';
import { playRecording, reasoning, recordReply } from './parts-support.ts';
import { expectNoHorizontalScroll, saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/parts-reasoning-<desktop|mobile>-<light|dark>-<thinking|expanded|collapsed>.png
// (the real server) and parts-kinds-<desktop|mobile>-<light|dark>-<top|end>.png (a recorded reply: the server makes
// no tool, file or citation parts yet; see parts-support.ts).

function shot(page: Page, scheme: string, state: string) {
  return saveScreenshot(page, `parts-reasoning-${test.info().project.name}-${scheme}-${state}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`reasoning screenshots (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    await page.goto('/');
    await chooseModel(page, /gpt-4o-mini/);
    // The real server, reasoning through the fake LLM (its reasoning and answer are lorem ipsum).
    await send(page, 'Why is the sky blue? [[fake thinking=120 tokens=60 delayMs=25]]');
    const { block, summary } = reasoning(page);
    await expect(block).toHaveAttribute('data-state', 'thinking');
    await expect.poll(async () => ((await block.textContent()) ?? '').length).toBeGreaterThan(250);
    await shot(page, scheme, 'thinking');

    await waitForDone(page);
    await expect(summary).toHaveText(/^Thought for \d+ s$/);
    const width = page.viewportSize()!.width;
    await expectNoHorizontalScroll(page, width);
    await shot(page, scheme, 'collapsed');

    await summary.click();
    await expect(block).toHaveJSProperty('open', true);
    await expectNoHorizontalScroll(page, width);
    // The reply's top in view: the reasoning opened above the answer.
    await assistantMessages(page)
      .first()
      .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, scheme, 'expanded');
  });
}

/** One of each kind the registry draws, as a tool-using reply with sources would bring them. */
const EVERY_KIND: MessagePart[] = [
  { type: 'reasoning', text: 'I should look up the current figure rather than guess.' },
  {
    type: 'tool-call',
    toolCallId: 'call_1',
    toolName: 'web_search',
    input: { query: 'tallest building in the world 2026', maxResults: 3 },
  },
  {
    type: 'tool-result',
    toolCallId: 'call_1',
    toolName: 'web_search',
    output: {
      results: [
        { title: 'Burj Khalifa', url: 'https://en.wikipedia.org/wiki/Burj_Khalifa', height_m: 828 },
        { title: 'Merdeka 118', url: 'https://en.wikipedia.org/wiki/Merdeka_118', height_m: 678.9 },
      ],
    },
  },
  { type: 'tool-call', toolCallId: 'call_2', toolName: 'fetch_page', input: { url: 'https://example.com/ctbuh' } },
  {
    type: 'tool-result',
    toolCallId: 'call_2',
    toolName: 'fetch_page',
    output: 'Request timed out after 10 s',
    isError: true,
  },
  { type: 'error', error: { code: 'PROVIDER_RATE_LIMITED', message: 'The model provider is rate-limiting requests.' } },
  {
    type: 'text',
    text: 'The tallest building is the **Burj Khalifa** in Dubai, at 828 m. Second is Merdeka 118 in Kuala Lumpur (678.9 m).',
  },
  {
    type: 'file',
    fileId: 'f1',
    name: 'skyscrapers-2026-ranking-with-a-very-long-name.pdf',
    mediaType: 'application/pdf',
  },
  {
    type: 'citation',
    sourceId: 's1',
    url: 'https://en.wikipedia.org/wiki/Burj_Khalifa',
    title: 'Burj Khalifa - Wikipedia',
  },
  { type: 'citation', sourceId: 's2', url: 'https://www.ctbuh.org/resource/tallest' },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`every part kind screenshot (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    await page.goto('/');
    await chooseModel(page, /gpt-4o-mini/);
    const recording = recordReply('What is the tallest building?', EVERY_KIND);
    const stop = await playRecording(page, { ...recording, messages: [recording.user, recording.final] });
    await send(page, 'What is the tallest building?');
    await waitForDone(page);
    const reply = assistantMessages(page).first();
    await expect(reply.getByTestId('tool-call-part')).toHaveCount(2);
    await expect(reply.getByTestId('citation-part')).toHaveCount(2);
    // The first search opened, to show a card's JSON.
    await reply.getByTestId('tool-result-part').first().locator('summary').click();
    await expect(reply.getByText('"height_m": 828')).toBeVisible();
    await expectNoHorizontalScroll(page, page.viewportSize()!.width);
    await reply.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await saveScreenshot(page, `parts-kinds-${test.info().project.name}-${scheme}-top`);
    await reply.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await saveScreenshot(page, `parts-kinds-${test.info().project.name}-${scheme}-end`);
    await stop();
  });
}
