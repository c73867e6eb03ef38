import { expect, test } from '@playwright/test';
import { accountButton, openAccountMenu, signUpViaApi } from './support.ts';

test('keyboard: account menu, settings dialog focus trap, Esc returns focus', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signUpViaApi(page);
  await page.goto('/');

  const button = accountButton(page);
  await button.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(menu.getByRole('menuitem', { name: 'Settings' })).toBeFocused();

  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitemradio', { name: 'Light' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(menu.getByRole('menuitem', { name: 'Settings' })).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  // ArrowUp on the button opens the menu on its last item.
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  // Focus stays inside the modal however far we tab.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
});

test('keyboard: settings tabs follow the arrow keys', async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  // The chat page replaced the home page's "Open settings" button: go through the account menu.
  const menu = await openAccountMenu(page);
  await menu.getByRole('menuitem', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const general = dialog.getByRole('tab', { name: 'General' });
  await general.focus();
  await page.keyboard.press('ArrowDown');
  const keys = dialog.getByRole('tab', { name: 'API keys' });
  await expect(keys).toBeFocused();
  await expect(keys).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.getByRole('tabpanel', { name: 'API keys' })).toBeVisible();
});
