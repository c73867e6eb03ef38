import { expect, test, type Page } from '@playwright/test';
import { CARDS, routeStripe } from '../stubs/stripe.ts';
import { saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/buy-tokens-*-<desktop|mobile>-<light|dark>.png
function shot(page: Page, name: string, scheme: string) {
  return saveScreenshot(page, `${name}-${test.info().project.name}-${scheme}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`buy tokens screenshots (${scheme})`, async ({ page }) => {
    test.setTimeout(60_000);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    await routeStripe(page);
    await page.goto('/');
    const mobile = test.info().project.name === 'mobile';
    if (mobile) {
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      await expect(page.getByRole('dialog', { name: 'Sidebar' }).getByTestId('balance')).toHaveText(/\d/);
      await shot(page, 'buy-tokens-sidebar', scheme);
      await page.getByRole('dialog', { name: 'Sidebar' }).getByRole('button', { name: 'Buy tokens' }).click();
    } else {
      await expect(page.getByTestId('balance')).toHaveText(/\d/);
      await shot(page, 'buy-tokens-sidebar', scheme);
      await page.getByRole('complementary', { name: 'Sidebar' }).getByRole('button', { name: 'Buy tokens' }).click();
    }
    const dialog = page.getByRole('dialog', { name: 'Buy tokens' });
    await expect(dialog.getByRole('radiogroup', { name: 'Choose a package' })).toBeVisible();
    await page.mouse.move(0, 0);
    await shot(page, 'buy-tokens-packages', scheme);

    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog.getByRole('button', { name: /^Pay / })).toBeEnabled();
    await dialog.getByLabel('Card number').fill(CARDS.declined);
    await dialog.getByRole('button', { name: /^Pay / }).click();
    await expect(dialog.getByTestId('payment-error')).toBeVisible();
    await shot(page, 'buy-tokens-declined', scheme);

    await dialog.getByLabel('Card number').fill(CARDS.visa);
    await dialog.getByRole('button', { name: /^Pay / }).click();
    await expect(dialog.getByTestId('receipt')).toBeVisible({ timeout: 15_000 });
    await shot(page, 'buy-tokens-receipt', scheme);

    await dialog.getByRole('link', { name: 'View purchases' }).click();
    await expect(page.getByTestId('purchases')).toBeVisible();
    await shot(page, 'buy-tokens-purchases', scheme);

    // The same modal in Simplified Chinese.
    await page.evaluate(() => window.localStorage.setItem('tessera.language', 'zh-CN'));
    await page.goto('/');
    if (mobile) await page.getByRole('button', { name: '打开侧边栏' }).click();
    await page.getByRole('button', { name: '购买积分' }).last().click();
    await expect(page.getByRole('dialog', { name: '购买积分' }).getByRole('radiogroup')).toHaveCount(2);
    await page.mouse.move(0, 0);
    await shot(page, 'buy-tokens-packages-zh', scheme);
  });
}
