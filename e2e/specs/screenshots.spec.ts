import { expect, test, type Page } from '@playwright/test';
import { openAccountMenu, saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/<name>-<desktop|mobile>-<light|dark>.png
function shot(page: Page, name: string, scheme: string) {
  return saveScreenshot(page, `${name}-${test.info().project.name}-${scheme}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ page }) => {
    // Theme "system" (the default) follows the emulated OS setting.
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });

    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    await shot(page, 'sign-in', scheme);

    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('Enter your password')).toBeVisible();
    await shot(page, 'sign-in-errors', scheme);

    await page.goto('/sign-up');
    await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
    await shot(page, 'sign-up', scheme);

    const user = await signUpViaApi(page);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
    if (scheme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
    await shot(page, 'app-shell', scheme);

    const mobile = test.info().project.name === 'mobile';
    if (mobile) {
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      await expect(page.getByRole('dialog', { name: 'Sidebar' })).toBeVisible();
      await shot(page, 'drawer', scheme);
      await page
        .getByRole('dialog', { name: 'Sidebar' })
        .getByRole('button', { name: /^Account menu/ })
        .click();
    } else {
      await openAccountMenu(page);
    }
    await expect(page.getByRole('menu')).toBeVisible();
    await shot(page, 'account-menu', scheme);

    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings).toBeVisible();
    await shot(page, 'settings', scheme);

    await settings.getByRole('tab', { name: 'API keys' }).click();
    await settings.getByLabel('Key name').fill('Screenshot key');
    await settings.getByRole('button', { name: 'Create key' }).click();
    await expect(settings.getByLabel('New API key')).toBeVisible();
    await shot(page, 'settings-api-keys', scheme);

    // The same shell in Simplified Chinese.
    await settings.getByRole('tab', { name: 'General' }).click();
    await settings.getByRole('group', { name: 'Language' }).getByText('简体中文').click();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { name: `欢迎，${user.name}` })).toBeVisible();
    await shot(page, 'app-shell-zh', scheme);
  });
}
