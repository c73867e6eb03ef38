import { expect, test } from '@playwright/test';
import { ownOrigin, signUpViaApi } from './support.ts';

test('claim: toast, balance +20,000, a live countdown, and a second claim is refused', async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  await expect(sidebar.getByTestId('balance')).toHaveText('20,000');
  const claim = sidebar.getByRole('button', { name: 'Claim 20,000 tokens' });
  await expect(claim).toBeEnabled();
  await claim.click();

  await expect(page.getByRole('status').filter({ hasText: '20,000 credits added to your balance' })).toBeVisible();
  await expect(sidebar.getByTestId('balance')).toHaveText('40,000');
  const countdown = sidebar.getByTestId('claim-button');
  await expect(countdown).toHaveText(/^Claim in 23h 59m \d+s$/);
  await expect(countdown).toBeDisabled();
  const first = await countdown.textContent();
  await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(first);

  const again = await page.request.post('/api/tokens/claim', { data: {}, headers: ownOrigin() });
  expect(again.status()).toBe(429);
  const body = (await again.json()) as { error: { code: string; remainingMs: number } };
  expect(body.error.code).toBe('CLAIM_COOLDOWN');
  expect(body.error.remainingMs).toBeGreaterThan(23 * 3600_000);

  // The countdown survives a reload (it comes from the server).
  await page.reload();
  await expect(sidebar.getByTestId('claim-button')).toHaveText(/^Claim in 23h 59m/);
});

test('credit history: the claim is listed, the kind filter works, CSV export is offered', async ({ page }) => {
  await signUpViaApi(page);
  await page.request.post('/api/tokens/claim', { data: {}, headers: ownOrigin() });
  await page.goto('/');
  await page
    .getByRole('complementary', { name: 'Sidebar' })
    .getByRole('link', { name: /^Balance: 40,000 credits/ })
    .click();
  await expect(page).toHaveURL(/\/credits$/);
  await expect(page.getByRole('heading', { name: 'Credit history' })).toBeVisible();
  const rows = page.getByRole('row');
  const claimRow = rows.filter({ hasText: 'Daily claim' });
  await expect(claimRow).toHaveCount(1);
  await expect(claimRow).toContainText('+20,000');
  await expect(claimRow).toContainText('40,000');

  await page.getByRole('combobox', { name: 'Kind' }).selectOption('spend');
  await expect(page.getByText('Nothing here yet.')).toBeVisible();
  await page.getByRole('combobox', { name: 'Kind' }).selectOption('claim');
  await expect(rows.filter({ hasText: 'Daily claim' })).toHaveCount(1);

  const exportLink = page.getByRole('link', { name: 'Export CSV' });
  await expect(exportLink).toHaveAttribute('href', '/api/transactions/export.csv?kind=claim');
  const csv = await page.request.get((await exportLink.getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('claim');
});
