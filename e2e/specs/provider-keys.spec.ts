import { expect, test } from '@playwright/test';
import { assistantMessages, chooseModel, send, waitForDone } from './chat-support.ts';
import { openAccountMenu, signUpViaApi } from './support.ts';

// tessera.e2e.yaml configures "Own Key AI" with `apiKey: user_provided`.
const KEY = 'sk-e2e-own-key-0123456789abcdef-WXYZ';

test('provider keys: the picker asks for a key, Settings saves it masked, chat uses it, Remove forgets it', async ({
  page,
}) => {
  await signUpViaApi(page);
  await page.goto('/');

  // The default model is one that needs no key of the user's.
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker.locator('option:checked')).not.toHaveText(/Own Key AI/);
  await expect(picker.locator('option', { hasText: 'Own Key AI · byok-mini · needs your key' })).toHaveCount(1);

  // Choosing it offers "Add key", which opens Settings on the Provider keys tab with the field focused.
  await chooseModel(page, /Own Key AI/);
  const addKey = page.getByRole('button', { name: 'Add your key for Own Key AI…' });
  await expect(addKey).toBeVisible();
  await addKey.click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('tab', { name: 'Provider keys' })).toHaveAttribute('aria-selected', 'true');
  const input = dialog.getByLabel('API key for Own Key AI');
  await expect(input).toBeFocused();
  await expect(input).toHaveAttribute('type', 'password');
  const row = dialog.getByTestId('provider-key-row');
  await expect(row).toContainText('No key saved yet.');
  await expect(row).toContainText('cost no credits');

  // Empty and malformed keys are refused in words.
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toHaveText('Paste your API key');
  await input.fill('sk-with a space');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toHaveText(/without spaces/);

  // Show/hide, then save: only the last four characters come back.
  await input.fill(KEY);
  await dialog.getByRole('button', { name: 'Show key' }).click();
  await expect(input).toHaveAttribute('type', 'text');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('status')).toHaveText('Key for Own Key AI saved.');
  await expect(row).toContainText('Saved key ending in ····WXYZ');
  await expect(input).toHaveValue('');
  await expect(input).toHaveAttribute('type', 'password');
  await expect(page.getByText(KEY)).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Close settings' }).click();
  await expect(addKey).toHaveCount(0);
  await expect(picker.locator('option:checked')).toHaveText('Own Key AI · byok-mini');

  // The chat answers through the user's key.
  await send(page, 'Hello with my own key');
  await waitForDone(page);
  await expect(assistantMessages(page).last()).toContainText('Fake reply');

  // Removing the key brings the marker back, and sending says what to do.
  const menu = await openAccountMenu(page);
  await menu.getByRole('menuitem', { name: 'Settings' }).click();
  await dialog.getByRole('tab', { name: 'Provider keys' }).click();
  await dialog.getByRole('button', { name: 'Remove your key for Own Key AI' }).click();
  await expect(row.getByRole('status')).toHaveText('Key for Own Key AI removed.');
  await expect(row).toContainText('No key saved yet.');
  await dialog.getByRole('button', { name: 'Close settings' }).click();
  await expect(addKey).toBeVisible();
  await send(page, 'And now without it');
  const notice = page.getByRole('alert').filter({ hasText: 'uses your own API key' });
  await expect(notice).toContainText('Settings → Provider keys');
  // The notice's own "Add key" opens the panel on that endpoint's field.
  await notice.getByRole('button', { name: 'Add key' }).click();
  await expect(dialog.getByRole('tab', { name: 'Provider keys' })).toHaveAttribute('aria-selected', 'true');
  await expect(input).toBeFocused();
});
