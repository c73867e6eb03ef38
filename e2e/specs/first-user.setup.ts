import { expect, test } from '@playwright/test';
import { accountButton, newUser } from './support.ts';

// Runs before every other project on a fresh data directory: the first account becomes admin.
test('sign up: the first user lands in the app as admin', async ({ page }) => {
  const user = newUser('Grace Hopper');
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();

  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  await expect(accountButton(page)).toContainText(user.email);
  await expect(accountButton(page)).toContainText('Admin');
});
