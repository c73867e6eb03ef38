import { expect, test, type Page } from '@playwright/test';
import type { Conversation, ConversationWithMessages } from '@tessera/shared';
import { assistantMessages, chooseModel, composer, send, userMessages, waitForDone } from './chat-support.ts';
import { signUpViaApi } from './support.ts';

/** The API as the signed-in page (same cookies; the origin header the server expects). */
function api(page: Page) {
  const origin = test.info().project.use.baseURL ?? 'http://localhost:3180';
  return {
    get: async <T>(path: string): Promise<T> => (await page.request.get(path)).json() as Promise<T>,
    post: (path: string, data: unknown) => page.request.post(path, { data, headers: { origin } }),
    patch: (path: string, data: unknown) => page.request.patch(path, { data, headers: { origin } }),
  };
}

const conversationIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;

function settingsSheet(page: Page) {
  return page.getByRole('dialog', { name: 'Chat settings' });
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: /^Chat settings/ }).click();
  const sheet = settingsSheet(page);
  await expect(sheet).toBeVisible();
  return sheet;
}

test.beforeEach(async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
});

test('chat settings reach the reply, are saved, become a preset, and a new chat starts from it', async ({ page }) => {
  // Before the first message: the settings are kept for the chat about to start.
  let sheet = await openSettings(page);
  const prompt = sheet.getByRole('textbox', { name: 'System prompt' });
  await expect(prompt).toBeFocused();
  await prompt.fill('You are a terse pirate.');
  const temperature = sheet.getByRole('spinbutton', { name: 'Temperature', exact: true });
  await temperature.fill('3');
  // (OpenAI's Responses API takes 16 at the least.)
  await sheet.getByRole('spinbutton', { name: 'Max output tokens' }).fill('16');
  await sheet.getByRole('button', { name: 'Save', exact: true }).click();
  // Out of range: the sheet stays open and says why, on the field.
  await expect(sheet.getByText('Use a number from 0 to 2')).toBeVisible();
  await expect(temperature).toHaveAttribute('aria-invalid', 'true');
  await temperature.fill('0.3');
  await sheet.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(sheet).toBeHidden();
  const button = page.getByRole('button', { name: 'Chat settings (custom settings in use)' });
  await expect(button).toBeFocused();
  await expect(page.getByTestId('system-prompt-indicator')).toHaveText('System prompt set');

  await send(page, 'Ahoy');
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  await waitForDone(page);
  // The provider was asked for 16 tokens at most: the reply stops there and can be continued.
  const reply = assistantMessages(page).first();
  await expect(reply.getByRole('button', { name: 'Continue' })).toBeVisible();
  const id = conversationIdOf(page);
  let saved = await api(page).get<ConversationWithMessages>(`/api/conversations/${id}`);
  expect(saved.conversation).toMatchObject({
    systemPrompt: 'You are a terse pirate.',
    params: { temperature: 0.3, maxOutputTokens: 16 },
  });
  expect(saved.messages.find((m) => m.role === 'assistant')!.usage!.outputTokens).toBe(16);
  await expect(page.getByTestId('system-prompt-indicator')).toBeVisible();

  // The conversation's settings open with its values; change Top P with the slider's keys.
  sheet = await openSettings(page);
  await expect(sheet.getByRole('textbox', { name: 'System prompt' })).toHaveValue('You are a terse pirate.');
  await expect(sheet.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveValue('0.3');
  await expect(sheet.getByRole('spinbutton', { name: 'Top P', exact: true })).toHaveValue('');
  const topP = sheet.getByRole('slider', { name: 'Top P slider' });
  await topP.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  await expect(sheet.getByRole('spinbutton', { name: 'Top P', exact: true })).toHaveValue('0.9');
  await sheet.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Chat settings saved')).toBeVisible();
  saved = await api(page).get<ConversationWithMessages>(`/api/conversations/${id}`);
  expect(saved.conversation.params).toEqual({ temperature: 0.3, topP: 0.9, maxOutputTokens: 16 });

  // Save as preset (model, system prompt, parameters), then Esc closes the sheet.
  sheet = await openSettings(page);
  await sheet.getByRole('button', { name: 'Save as preset' }).click();
  await expect(sheet.getByText('Name the preset')).toBeVisible();
  await sheet.getByRole('textbox', { name: 'Preset name' }).fill('Pirate');
  await sheet.getByRole('textbox', { name: 'Preset name' }).press('Enter');
  await expect(page.getByText('Preset “Pirate” saved')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('button', { name: /^Chat settings/ })).toBeFocused();

  // Another model is picked; the preset brings its own back, with its settings, for a new chat.
  await chooseModel(page, /Tessera Demo/);
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  await sidebar.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('menuitem', { name: 'Pirate' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(/gpt-4o-mini/);
  await expect(page.getByTestId('draft-preset')).toHaveText('Preset: Pirate');
  await expect(composer(page)).toBeFocused();
  sheet = await openSettings(page);
  await expect(sheet.getByRole('textbox', { name: 'System prompt' })).toHaveValue('You are a terse pirate.');
  await expect(sheet.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveValue('0.3');
  await expect(sheet.getByRole('spinbutton', { name: 'Top P', exact: true })).toHaveValue('0.9');
  await expect(sheet.getByRole('spinbutton', { name: 'Max output tokens' })).toHaveValue('16');
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await send(page, 'Ahoy again');
  await expect(page).toHaveURL(/\/c\/[\w-]+$/);
  await waitForDone(page);
  await expect(assistantMessages(page).first().getByRole('button', { name: 'Continue' })).toBeVisible();
  const fromPreset = await api(page).get<ConversationWithMessages>(`/api/conversations/${conversationIdOf(page)}`);
  expect(fromPreset.conversation).toMatchObject({
    model: 'gpt-4o-mini',
    systemPrompt: 'You are a terse pirate.',
    params: { temperature: 0.3, topP: 0.9, maxOutputTokens: 16 },
  });
  // The draft was used up: the next new chat starts with defaults.
  await page.getByRole('link', { name: 'New chat' }).first().click();
  await expect(page.getByTestId('draft-preset')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Chat settings', exact: true })).toBeVisible();

  // Manage presets: rename, then delete.
  await sidebar.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('menuitem', { name: 'Manage presets…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Presets' });
  await expect(dialog.getByTestId('preset-row')).toHaveCount(1);
  await expect(dialog.getByTestId('preset-row')).toContainText('System prompt · Temperature 0.3 · Top P 0.9');
  await dialog.getByRole('button', { name: 'Rename Pirate' }).click();
  const rename = dialog.getByRole('textbox', { name: 'New name for Pirate' });
  await expect(rename).toBeFocused();
  await rename.fill('Sea dog');
  await rename.press('Enter');
  await expect(dialog.getByText('Sea dog', { exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Rename Sea dog' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete Sea dog' }).click();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByText('No presets yet. Save one from the chat settings.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await api(page).get<{ items: unknown[] }>('/api/presets')).items).toEqual([]);
});

test('archive a chat, find it in Archived chats, open it, unarchive it; delete another from there', async ({
  page,
}) => {
  await send(page, 'Chat to archive');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  // The title is written after the reply.
  await expect(page.getByTestId('conversation-title')).not.toHaveText('New chat');
  const id = conversationIdOf(page);
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  const item = sidebar.getByRole('listitem').first();
  const title = ((await item.getByRole('link').textContent()) ?? '').trim();
  await item.hover();
  await item.getByRole('button', { name: /^Options for/ }).click();
  await page.getByRole('menuitem', { name: 'Archive' }).click();
  await expect(page.getByText('Conversation archived')).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(sidebar.getByRole('listitem')).toHaveCount(0);

  await sidebar.getByRole('button', { name: 'Archived chats' }).click();
  let dialog = page.getByRole('dialog', { name: 'Archived chats' });
  await expect(dialog.getByTestId('archived-row')).toHaveCount(1);
  // Opening it shows it, read-write, marked archived.
  await dialog.getByRole('link', { name: new RegExp(title.slice(0, 10)) }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/c/${id}$`));
  await expect(page.getByText('Archived', { exact: true })).toBeVisible();
  await send(page, 'Still writable');
  await expect(userMessages(page)).toHaveCount(2);
  await waitForDone(page);

  await sidebar.getByRole('button', { name: 'Archived chats' }).click();
  dialog = page.getByRole('dialog', { name: 'Archived chats' });
  await dialog.getByRole('button', { name: `Unarchive ${title}` }).click();
  await expect(page.getByText('Chat back in the sidebar')).toBeVisible();
  await expect(dialog.getByText('No archived chats.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByText('Archived', { exact: true })).toBeHidden();

  // Delete from the archive (with a confirmation).
  const created = await api(page).post(`/api/conversations/${id}/duplicate`, {});
  const copy = (await created.json()) as Conversation;
  await api(page).patch(`/api/conversations/${copy.id}`, { archived: true });
  await sidebar.getByRole('button', { name: 'Archived chats' }).click();
  await dialog.getByRole('button', { name: `Delete ${copy.title}` }).click();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByText('No archived chats.')).toBeVisible();
  expect((await page.request.get(`/api/conversations/${copy.id}`)).status()).toBe(404);
});

test('the archived list loads more as it scrolls', async ({ page }) => {
  await send(page, 'Many copies');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  const id = conversationIdOf(page);
  const calls = api(page);
  for (let i = 0; i < 34; i++) {
    const copy = (await (await calls.post(`/api/conversations/${id}/duplicate`, {})).json()) as Conversation;
    await calls.patch(`/api/conversations/${copy.id}`, { archived: true });
  }
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  await sidebar.getByRole('button', { name: 'Archived chats' }).click();
  const dialog = page.getByRole('dialog', { name: 'Archived chats' });
  const rows = dialog.getByTestId('archived-row');
  await expect(rows).toHaveCount(30);
  await rows.last().scrollIntoViewIfNeeded();
  await expect(rows).toHaveCount(34);
});

test('duplicate a chat from its menu; fork from a reply', async ({ page }) => {
  await send(page, 'Original chat');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  await send(page, 'A second question');
  await expect(assistantMessages(page)).toHaveCount(2);
  await waitForDone(page);
  const original = conversationIdOf(page);
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  const item = sidebar.getByRole('listitem').first();
  await item.hover();
  await item.getByRole('button', { name: /^Options for/ }).click();
  await page.getByRole('menuitem', { name: 'Duplicate' }).click();
  await expect(page.getByText('Chat duplicated')).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(original));
  await expect(page.getByTestId('conversation-title')).toHaveText(/\(copy\)$/);
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(sidebar.getByRole('listitem')).toHaveCount(2);

  // Fork from the first reply: a new chat holding the branch up to it.
  const copyId = conversationIdOf(page);
  const firstReply = assistantMessages(page).first();
  await firstReply.hover();
  await firstReply.getByRole('button', { name: 'Fork from here' }).click();
  await page.getByRole('menuitem', { name: 'This branch only' }).click();
  await expect(page.getByText('Forked into a new chat')).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(copyId));
  await expect(page.getByTestId('conversation-title')).toHaveText(/\(fork\)$/);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(userMessages(page)).toHaveCount(1);
  await expect(sidebar.getByRole('listitem')).toHaveCount(3);
});
