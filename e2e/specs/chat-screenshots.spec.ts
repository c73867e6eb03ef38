import { expect, test, type Page } from '@playwright/test';
import { assistantMessages, chooseModel, send, waitForDone } from './chat-support.ts';
import { saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/chat-<desktop|mobile>-<light|dark>.png

// The stand-in replies with exactly this text (its own escapes: \n and \\; no ']' allowed).
const MARKDOWN = [
  '## Summary',
  '',
  'Here is a **table**, some `inline code` and a link: https://example.com',
  '',
  '| Model | Input | Output |',
  '|---|---:|---:|',
  '| gpt-4o-mini | 0.15 | 0.60 |',
  '| demo | 0 | 0 |',
  '',
  '```ts',
  'const answer: number = 42;',
  'console.log(`The answer is ${answer}`);',
  '```',
  '',
  'Euler: $e^{i\\\\pi} + 1 = 0$, and',
  '',
  '$$',
  '\\\\int_0^1 x^2\\\\,dx = \\\\frac{1}{3}',
  '$$',
].join('\\n');

function shot(page: Page, scheme: string) {
  return saveScreenshot(page, `chat-${test.info().project.name}-${scheme}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`chat screenshot (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    await page.goto('/');
    await chooseModel(page, /gpt-4o-mini/);
    await send(page, `Show me some markdown [[fake text="${MARKDOWN}"]]`);
    await waitForDone(page);
    const reply = assistantMessages(page).first();
    await expect(reply.getByRole('table')).toBeVisible();
    await expect(reply.locator('.katex').first()).toBeVisible();
    await expect(reply.locator('code.hljs')).toBeVisible();
    await expect(reply.getByRole('link', { name: 'https://example.com' })).toHaveAttribute('target', '_blank');
    await expect(reply.getByRole('link', { name: 'https://example.com' })).toHaveAttribute('rel', /noopener/);
    await shot(page, scheme);
  });
}
