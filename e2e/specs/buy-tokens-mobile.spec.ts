import { expect, test, type Locator } from '@playwright/test';
import type { PaymentOptions } from '@tessera/shared';
import { CARDS, formatCredits, formatMoney, routeStripe } from '../stubs/stripe.ts';
import { expectNoHorizontalScroll, signUpViaApi } from './support.ts';

// Runs in the "mobile" project only (390 × 844, touch).

/** The right edge of the widest box in the modal: nothing may stick out past the screen. */
function rightmostEdge(dialog: Locator): Promise<number> {
  return dialog.evaluate((el) =>
    Math.max(...[el, ...el.querySelectorAll('*')].map((e) => Math.round(e.getBoundingClientRect().right))),
  );
}

test('phone: buy tokens from the drawer in a full-screen modal, never scrolling sideways', async ({ page }) => {
  await signUpViaApi(page);
  await routeStripe(page);
  const options = (await (await page.request.get('/api/payments/packages')).json()) as PaymentOptions;
  const pkg = options.packages.find((p) => p.id === options.defaultPackageId)!;
  await page.goto('/');

  await page.getByRole('button', { name: 'Open sidebar' }).click();
  const drawer = page.getByRole('dialog', { name: 'Sidebar' });
  await expect(drawer.getByTestId('balance')).toHaveText(/\d/);
  const before = Number(((await drawer.getByTestId('balance').textContent()) ?? '').replace(/\D/g, ''));
  await drawer.getByRole('button', { name: 'Buy tokens' }).click();

  const dialog = page.getByRole('dialog', { name: 'Buy tokens' });
  await expect(dialog.getByRole('radiogroup', { name: 'Choose a package' })).toBeVisible();
  // Full screen, nothing wider than the phone, the Continue bar in view without scrolling.
  expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  expect(await rightmostEdge(dialog)).toBeLessThanOrEqual(390);
  await expect(dialog.getByRole('button', { name: 'Continue' })).toBeInViewport();
  // Two package cards a row.
  const radios = dialog.getByRole('radiogroup', { name: 'Choose a package' }).locator('label');
  const [a, b] = [await radios.nth(0).boundingBox(), await radios.nth(1).boundingBox()];
  expect(a!.y).toBe(b!.y);
  expect(a!.x + a!.width).toBeLessThan(b!.x);
  // Even the longest number fits inside its card.
  for (const label of await radios.all()) {
    expect(await label.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  }

  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByRole('heading', { name: 'Payment details' })).toBeVisible();
  await dialog.getByLabel('Card number').fill(CARDS.declined);
  await dialog.getByRole('button', { name: `Pay ${formatMoney(pkg.amount, pkg.currency)}` }).click();
  await expect(dialog.getByTestId('payment-error')).toContainText('Your card was declined.');
  await dialog.getByLabel('Card number').fill(CARDS.visa);
  await dialog.getByRole('button', { name: /^Pay / }).click();
  const receipt = dialog.getByTestId('receipt');
  await expect(receipt.getByTestId('receipt-credits')).toHaveText(`+${formatCredits(pkg.credits)} credits`, {
    timeout: 15_000,
  });
  expect(await rightmostEdge(dialog)).toBeLessThanOrEqual(390);
  await receipt.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  // The drawer closed when the modal opened; focus goes back to the drawer's button (or the main region).
  await expect(drawer).toBeHidden();
  await expect
    .poll(() =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.id === 'main' || el?.getAttribute('aria-label') === 'Open sidebar';
      }),
    )
    .toBe(true);
  await page.getByRole('button', { name: 'Open sidebar' }).click();
  await expect(drawer.getByTestId('balance')).toHaveText(formatCredits(before + pkg.credits));
  await expectNoHorizontalScroll(page, 390);

  // The purchases list is a column of cards on a phone: everything visible without sideways scrolling.
  await page.goto('/credits?tab=purchases');
  const item = page.getByRole('list', { name: 'Purchases' }).getByRole('listitem');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(`${formatCredits(pkg.credits)} credits`);
  await expect(item).toContainText(formatMoney(pkg.amount, pkg.currency));
  await expect(item).toContainText('Card');
  await expect(item).toContainText('Paid');
  await expect(item).toContainText(/pi_\w+/);
  await expectNoHorizontalScroll(page, 390);
});
