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

  // Chat only is preselected.
  await expect(dialog.getByRole('radio', { name: /Chat only/ })).toBeChecked();
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
  await expect(rows.first().getByTestId('api-key-scope')).toHaveText('Chat only');
  const prefix = (await rows.first().locator('code').innerText()).replace(/…$/, '');
  expect(key.startsWith(prefix)).toBe(true);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(keyField).toHaveCount(0);

  // The chat key works on the OpenAI-compatible API only.
  const asKey = { authorization: `Bearer ${key}` };
  expect((await page.request.get('/v1/models', { headers: asKey })).status()).toBe(200);
  const outOfScope = await page.request.get('/api/keys', { headers: asKey });
  expect(outOfScope.status()).toBe(403);
  expect(((await outOfScope.json()) as { error: { code: string } }).error.code).toBe('API_KEY_SCOPE');

  // A second key with full access, then close and reopen: the secret is gone for good, the list stays.
  await dialog.getByLabel('Key name').fill('Laptop');
  await dialog.getByRole('radio', { name: /Full access/ }).check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await expect(dialog.getByLabel('New API key')).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Laptop' }).getByTestId('api-key-scope')).toHaveText('Full access');
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
  const body = (await listed.json()) as { keys: Array<{ name: string; scope: string }> };
  expect(body.keys.map((k) => [k.name, k.scope])).toEqual([['Laptop', 'full']]);
});
