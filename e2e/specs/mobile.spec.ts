import { expect, test } from '@playwright/test';
import { expectNoHorizontalScroll, signUpViaApi } from './support.ts';

// Runs in the "mobile" project only (390 × 844, touch).

test('sign-in page fits a phone', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
  await page.goto('/sign-up');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
});

test('the sidebar is a drawer: opens from the top bar, closes with Esc and the backdrop', async ({ page }) => {
  const user = await signUpViaApi(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  await expectNoHorizontalScroll(page, 390);

  // The desktop sidebar is not shown at this width.
  await expect(page.getByRole('complementary', { name: 'Sidebar' })).toBeHidden();
  const openButton = page.getByRole('button', { name: 'Open sidebar' });
  const drawer = page.getByRole('dialog', { name: 'Sidebar' });

  // Esc
  await openButton.click();
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('link', { name: 'New chat' })).toBeVisible();
  await expect(drawer.getByText('No conversations yet')).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(openButton).toBeFocused();

  // Backdrop (the strip to the right of the panel)
  await openButton.click();
  await expect(drawer).toBeVisible();
  await page.mouse.click(380, 420);
  await expect(drawer).toBeHidden();

  // Close button
  await openButton.click();
  await drawer.getByRole('button', { name: 'Close sidebar' }).click();
  await expect(drawer).toBeHidden();

  // The account menu works inside the drawer, and Esc closes only the menu first.
  await openButton.click();
  await drawer.getByRole('button', { name: /^Account menu/ }).click();
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(drawer).toBeVisible();

  // Settings from the drawer: the drawer gives way to the settings dialog.
  await drawer.getByRole('button', { name: /^Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await expect(drawer).toBeHidden();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
  await settings.getByRole('tab', { name: 'API keys' }).click();
  await expect(settings.getByText('You have no API keys yet.')).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();
});
