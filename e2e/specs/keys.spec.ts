import { expect, test } from '@playwright/test';
import { openAccountMenu, signUpViaApi } from './support.ts';

test('API keys: create, copy once, list and delete through Settings', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signUpViaApi(page);
  await page.goto('/');

  const menu = await openAccountMenu(page);
  await menu.getByRole('menuitem', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: 'API keys' }).click();
  await expect(dialog.getByText('You have no API keys yet.')).toBeVisible();

  // Client-side validation, translated.
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await expect(dialog.getByText('Name the key')).toBeVisible();

  await dialog.getByLabel('Key name').fill('CI runner');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  await expect(dialog.getByText('Your new key “CI runner”')).toBeVisible();
  await expect(dialog.getByText('It will not be shown again.')).toBeVisible();
  const keyField = dialog.getByLabel('New API key');
  const key = await keyField.inputValue();
  expect(key.length).toBeGreaterThan(16);

  await dialog.getByRole('button', { name: 'Copy API key' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy API key' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const rows = dialog.getByTestId('api-key-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('CI runner');
  await expect(rows.first()).toContainText('Never used');
  const prefix = (await rows.first().locator('code').innerText()).replace(/…$/, '');
  expect(key.startsWith(prefix)).toBe(true);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(keyField).toHaveCount(0);

  // A second key, then close and reopen: the secret is gone for good, the list stays.
  await dialog.getByLabel('Key name').fill('Laptop');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await expect(dialog.getByLabel('New API key')).toBeVisible();
  await expect(rows).toHaveCount(2);
  await dialog.getByRole('button', { name: 'Close settings' }).click();
  await expect(dialog).toBeHidden();

  const menu2 = await openAccountMenu(page);
  await menu2.getByRole('menuitem', { name: 'Settings' }).click();
  await dialog.getByRole('tab', { name: 'API keys' }).click();
  await expect(rows).toHaveCount(2);
  await expect(dialog.getByLabel('New API key')).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);

  // Delete with confirmation; cancelling keeps the key.
  await dialog.getByRole('button', { name: 'Delete key CI runner' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this API key?' });
  await expect(confirm).toContainText('CI runner');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(rows).toHaveCount(2);

  await dialog.getByRole('button', { name: 'Delete key CI runner' }).click();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Laptop');

  const listed = await page.request.get('/api/keys');
  expect(listed.status()).toBe(200);
  const body = (await listed.json()) as { keys: Array<{ name: string }> };
  expect(body.keys.map((k) => k.name)).toEqual(['Laptop']);
});
