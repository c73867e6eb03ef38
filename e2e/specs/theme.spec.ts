import { expect, test, type Page } from '@playwright/test';
import { openAccountMenu, signUpViaApi } from './support.ts';

const html = (page: Page) => page.locator('html');

async function chooseTheme(page: Page, name: 'Light' | 'Dark' | 'System') {
  const menu = await openAccountMenu(page);
  const item = menu.getByRole('menuitemradio', { name });
  await item.click();
  await expect(item).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
}

test('theme: light, dark and system; remembered after a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signUpViaApi(page);
  await page.goto('/');
  await expect(html(page)).not.toHaveClass(/\bdark\b/);

  await chooseTheme(page, 'Dark');
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html(page)).toHaveClass(/\bdark\b/);
  expect(await page.evaluate(() => localStorage.getItem('tessera.theme'))).toBe('dark');

  await chooseTheme(page, 'Light');
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html(page)).not.toHaveClass(/\bdark\b/);

  // System follows the OS, live.
  await chooseTheme(page, 'System');
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
});

test('theme is applied before the app renders (no flash)', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('tessera.theme', 'dark'));
  // Hold back the app bundle: the class must already be there from /theme-init.js.
  await page.route(/\/(assets|src)\/.*\.(js|tsx?)$/, () => {});
  await page.goto('/sign-in', { waitUntil: 'commit' });
  await expect(html(page)).toHaveClass(/\bdark\b/);
});

test('theme can be changed in Settings', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signUpViaApi(page);
  await page.goto('/');
  const menu = await openAccountMenu(page);
  await menu.getByRole('menuitem', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  // The radios are drawn as a segmented control: click the labels, as a user would.
  const themes = dialog.getByRole('group', { name: 'Theme' });
  await themes.getByText('Dark', { exact: true }).click();
  await expect(themes.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await themes.getByText('Light', { exact: true }).click();
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  // Arrow keys move between the radios.
  await themes.getByRole('radio', { name: 'Light' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(themes.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
