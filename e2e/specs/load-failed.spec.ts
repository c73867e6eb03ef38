import { expect, test } from '@playwright/test';
import { signUpViaApi } from './support.ts';

test('a part of the app that cannot be downloaded says so and offers a reload, instead of a blank page', async ({
  page,
}) => {
  await signUpViaApi(page);
  // As after a redeploy while the tab was open: the settings sheet's chunk is gone.
  let blocked = true;
  await page.route('**/assets/ConversationSettingsSheet-*.js', (route) => (blocked ? route.abort() : route.continue()));
  await page.goto('/');
  await page.getByRole('button', { name: /^Chat settings/ }).click();
  await expect(page.getByRole('alert')).toContainText('could not be loaded');

  blocked = false;
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('button', { name: /^Chat settings/ }).click();
  await expect(page.getByRole('dialog', { name: 'Chat settings' })).toBeVisible();
});
