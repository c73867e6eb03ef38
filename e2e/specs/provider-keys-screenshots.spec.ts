import { expect, test, type Page } from '@playwright/test';
import { chooseModel } from './chat-support.ts';
import { saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/provider-keys-<what>-<desktop|mobile>-<light|dark>.png
function shot(page: Page, what: string, scheme: string) {
  return saveScreenshot(page, `provider-keys-${what}-${test.info().project.name}-${scheme}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`provider keys screenshots (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    await page.goto('/');
    await chooseModel(page, /Own Key AI/);
    const addKey = page.getByRole('button', { name: 'Add your key for Own Key AI…' });
    await expect(addKey).toBeVisible();
    await shot(page, 'picker', scheme);

    await addKey.click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const input = dialog.getByLabel('API key for Own Key AI');
    await expect(input).toBeFocused();
    await shot(page, 'empty', scheme);

    await input.fill('sk-with a space');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByRole('alert')).toBeVisible();
    await shot(page, 'invalid', scheme);

    await input.fill('sk-e2e-screenshot-key-0123456789-Q7RZ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByText('Saved key ending in')).toBeVisible();
    await shot(page, 'saved', scheme);
  });
}
