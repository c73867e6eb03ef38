import { expect, test } from '@playwright/test';
import { assistantMessages, pickedModel, send, waitForDone } from './chat-support.ts';
import { accountButton, newUser, signUpViaUi } from './support.ts';

// Runs in the "fresh-install" project only, against a second server started as a new user starts it:
// no provider in the environment, no config file, an empty data directory.
test('fresh install: the first user chats with the built-in demo, which says how to add a provider', async ({
  page,
}) => {
  const user = newUser('Margaret Hamilton');
  await signUpViaUi(page, user);
  await expect(accountButton(page)).toContainText('Admin');

  // The demo is the only model there is, and the picker shows it.
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker).toBeVisible();
  await expect.poll(() => pickedModel(page)).toMatch(/Tessera Demo/);
  await expect(picker.locator('option')).toHaveCount(1);

  const question = 'How do I bake sourdough bread?';
  await send(page, question);
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  const reply = assistantMessages(page).first();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  const early = ((await reply.textContent()) ?? '').length;
  await expect.poll(async () => ((await reply.textContent()) ?? '').length).toBeGreaterThan(early + 20);
  await waitForDone(page);
  await expect(reply).toHaveAttribute('data-status', 'complete');

  // It says it is a demo, quotes the question and explains how to configure a provider.
  await expect(reply).toContainText('Tessera demo model');
  await expect(reply).toContainText(`You asked: "${question}"`);
  await expect(reply).toContainText('OPENAI_API_KEY=sk-... npm start');
  await expect(reply).toContainText('tessera.yaml');
  await expect(reply).toContainText('docs/configuration.md');
});
