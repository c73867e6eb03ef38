import { expect, test, type Locator, type Page } from '@playwright/test';
import type { PaymentOptions, Purchase, PurchaseList } from '@tessera/shared';
import { CARDS, FAKE_STRIPE_URL, formatCredits, formatMoney, routeStripe } from '../stubs/stripe.ts';
import { chooseModel, routeInsufficientCredits, send } from './chat-support.ts';
import { signUpViaApi } from './support.ts';

// "Buy tokens": the modal, Stripe's Payment Element (a stand-in for Stripe.js that talks to the fake
// Stripe server), the receipt from the server's record once the webhook credited the purchase.

async function paymentOptions(page: Page): Promise<PaymentOptions> {
  const response = await page.request.get('/api/payments/packages');
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as PaymentOptions;
}

async function purchases(page: Page): Promise<Purchase[]> {
  const response = await page.request.get('/api/payments');
  expect(response.status()).toBe(200);
  return ((await response.json()) as PurchaseList).items;
}

function sidebar(page: Page) {
  return page.getByRole('complementary');
}

/** The sidebar's balance, once it has loaded. */
async function balance(page: Page): Promise<number> {
  await expect(sidebar(page).getByTestId('balance')).toHaveText(/\d/);
  const text = (await sidebar(page).getByTestId('balance').textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, ''));
}

async function openModal(page: Page): Promise<Locator> {
  await sidebar(page).getByRole('button', { name: 'Buy tokens' }).click();
  const dialog = page.getByRole('dialog', { name: 'Buy tokens' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('radiogroup', { name: 'Choose a package' })).toBeVisible();
  return dialog;
}

/** From the package step to Stripe's form, ready for a card number. */
async function continueToPayment(dialog: Locator) {
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByRole('heading', { name: 'Payment details' })).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Pay / })).toBeEnabled();
}

/** Clicks a package card or method tile (the radio inside is visually hidden). */
async function pick(dialog: Locator, name: string) {
  const radio = dialog.getByRole('radio', { name });
  await dialog
    .locator('label')
    .filter({ has: dialog.page().getByRole('radio', { name }) })
    .click();
  await expect(radio).toBeChecked();
}

async function payWithCard(dialog: Locator, number: string) {
  await dialog.getByLabel('Card number').fill(number);
  await dialog.getByRole('button', { name: /^Pay / }).click();
}

test.beforeEach(async ({ page }) => {
  await signUpViaApi(page);
});

test('buy a package with a card: receipt from the server, balance up by exactly its credits', async ({ page }) => {
  const stripe = await routeStripe(page);
  const options = await paymentOptions(page);
  expect(options.methods).toContain('card');
  const pkg = options.packages.find((p) => p.id !== options.defaultPackageId && p.discountPercent > 0)!;
  const fallback = options.packages.find((p) => p.id === options.defaultPackageId)!;

  await page.goto('/');
  const before = await balance(page);
  // Stripe.js is not loaded until the modal opens.
  expect(await page.evaluate(() => 'Stripe' in window)).toBe(false);

  const dialog = await openModal(page);
  const packages = dialog.getByRole('radiogroup', { name: 'Choose a package' });
  await expect(packages.getByRole('radio')).toHaveCount(options.packages.length);
  // The default (popular) package is selected; its card carries the badge.
  const popular = packages.getByRole('radio', { name: `${formatCredits(fallback.credits)} credits` });
  await expect(popular).toBeChecked();
  await expect(dialog.getByText('Most popular', { exact: true })).toBeVisible();

  const choice = packages.getByRole('radio', { name: `${formatCredits(pkg.credits)} credits` });
  const card = dialog
    .locator('label')
    .filter({ has: page.getByRole('radio', { name: `${formatCredits(pkg.credits)} credits` }) });
  await expect(card).toContainText(formatMoney(pkg.amount, pkg.currency));
  await expect(card.locator('s')).toHaveText(formatMoney(pkg.originalAmount, pkg.currency));
  await expect(card).toContainText(`Save ${pkg.discountPercent}%`);
  await expect(card).toContainText(`${formatMoney(pkg.pricePer100k, pkg.currency)} per 100K credits`);
  await card.click();
  await expect(choice).toBeChecked();
  await expect(popular).not.toBeChecked();

  // Only the methods the server offers, card first (with the wallets it brings).
  const methods = dialog.getByRole('radiogroup', { name: 'Payment method' });
  await expect(methods.getByRole('radio')).toHaveCount(options.methods.length);
  await expect(methods.getByRole('radio', { name: 'Card' })).toBeChecked();
  await expect(methods).toContainText('Apple Pay');
  await expect(dialog.getByTestId('checkout-summary')).toHaveText(
    `${formatCredits(pkg.credits)} credits · ${formatMoney(pkg.amount, pkg.currency)}`,
  );

  await continueToPayment(dialog);
  await expect(dialog.getByTestId('order-summary')).toContainText(`${formatCredits(pkg.credits)} credits`);
  const pay = dialog.getByRole('button', { name: `Pay ${formatMoney(pkg.amount, pkg.currency)}` });
  await expect(pay).toBeVisible();
  await payWithCard(dialog, CARDS.visa);

  const receipt = dialog.getByTestId('receipt');
  await expect(receipt.getByRole('heading', { name: 'Payment successful' })).toBeVisible({ timeout: 15_000 });
  await expect(receipt.getByRole('heading', { name: 'Payment successful' })).toBeFocused();
  await expect(receipt.getByTestId('receipt-credits')).toHaveText(`+${formatCredits(pkg.credits)} credits`);
  await expect(receipt).toContainText(formatMoney(pkg.amount, pkg.currency));
  await expect(receipt).toContainText('Card');
  const reference = (await receipt.getByTestId('receipt-reference').textContent()) ?? '';
  expect(reference).toMatch(/^pi_\w+$/);
  await expect(dialog.getByTestId('payments-live')).toHaveText(
    `Payment successful. ${formatCredits(pkg.credits)} credits were added to your balance.`,
  );

  // The server's record agrees, and the browser confirmed against Stripe's API with the publishable key.
  const record = (await (await page.request.get(`/api/payments/${reference}`)).json()) as Purchase;
  expect(record).toMatchObject({ status: 'succeeded', creditedCredits: pkg.credits, amount: pkg.amount });
  expect(stripe.calls).toContain(`POST /v1/payment_intents/${reference}/confirm`);

  await expect(sidebar(page).getByTestId('balance')).toHaveText(formatCredits(before + pkg.credits));
  await receipt.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(sidebar(page).getByRole('button', { name: 'Buy tokens' })).toBeFocused();
  expect(await balance(page)).toBe(before + pkg.credits);
});

test('declines and errors read clearly; a retry on the same checkout succeeds', async ({ page }) => {
  let failNextConfirm = false;
  await routeStripe(page, async (route, path) => {
    if (!failNextConfirm || !path.endsWith('/confirm')) return false;
    failNextConfirm = false;
    await route.abort('internetdisconnected');
    return true;
  });
  await page.goto('/');
  const before = await balance(page);
  const dialog = await openModal(page);
  await continueToPayment(dialog);

  const error = dialog.getByTestId('payment-error');
  const cases: [string, string][] = [
    [CARDS.declined, 'Your card was declined. Try another card, or contact your bank.'],
    [CARDS.insufficientFunds, 'Your card has insufficient funds. Try another card.'],
    [CARDS.expired, 'Your card has expired. Check the expiry date or use another card.'],
    [CARDS.incorrectCvc, 'The security code (CVC) is incorrect. Check it and try again.'],
  ];
  for (const [number, message] of cases) {
    await payWithCard(dialog, number);
    await expect(error).toHaveText(message);
    await expect(error.getByRole('button', { name: 'Try again' })).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: /^Pay / })).toBeEnabled();
  }
  // Transient failures offer "Try again" with the same details.
  await payWithCard(dialog, CARDS.processingError);
  await expect(error).toContainText('Something went wrong while processing your card.');
  await expect(error.getByRole('button', { name: 'Try again' })).toBeVisible();
  await payWithCard(dialog, CARDS.authenticationRequired);
  await expect(error).toContainText('Your bank needs you to verify this payment');
  await expect(error.getByRole('button', { name: 'Try again' })).toBeVisible();

  // The network drops on the way to Stripe (api_connection_error), then comes back: retry.
  await dialog.getByLabel('Card number').fill(CARDS.visa);
  failNextConfirm = true;
  await dialog.getByRole('button', { name: /^Pay / }).click();
  await expect(error).toContainText("Couldn't reach the payment service.");
  await error.getByRole('button', { name: 'Try again' }).click();

  await expect(dialog.getByRole('heading', { name: 'Payment successful' })).toBeVisible({ timeout: 15_000 });
  const options = await paymentOptions(page);
  const pkg = options.packages.find((p) => p.id === options.defaultPackageId)!;
  await expect(sidebar(page).getByTestId('balance')).toHaveText(formatCredits(before + pkg.credits));
  // Every attempt went to one PaymentIntent: one purchase, paid once.
  const list = await purchases(page);
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ status: 'succeeded', creditedCredits: pkg.credits });
});

test('the same package and method reuse the checkout; another package starts a new one', async ({ page }) => {
  await routeStripe(page);
  const options = await paymentOptions(page);
  await page.goto('/');
  const dialog = await openModal(page);
  await continueToPayment(dialog);
  const first = (await purchases(page))[0]!.paymentIntentId;

  // Back, same choice (and even closing and reopening the modal): the same PaymentIntent.
  await dialog.getByRole('button', { name: 'Change' }).click();
  await continueToPayment(dialog);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await openModal(page);
  await continueToPayment(dialog);
  expect((await purchases(page)).map((p) => p.paymentIntentId)).toEqual([first]);

  // Another package: a new checkout.
  await dialog.getByRole('button', { name: 'Change' }).click();
  const other = options.packages.find((p) => p.id !== options.defaultPackageId)!;
  await pick(dialog, `${formatCredits(other.credits)} credits`);
  await continueToPayment(dialog);
  const list = await purchases(page);
  expect(list).toHaveLength(2);
  expect(list[0]!.packageId).toBe(other.id);
});

test('keyboard: radio groups, a trapped focus, Esc closes (but not while paying)', async ({ page }) => {
  let holdConfirm: (() => void) | null = null;
  await routeStripe(page, async (route, path) => {
    if (!path.endsWith('/confirm')) return false;
    await new Promise<void>((resolve) => (holdConfirm = resolve));
    const url = new URL(route.request().url());
    await route.fulfill({ response: await route.fetch({ url: `${FAKE_STRIPE_URL}${url.pathname}${url.search}` }) });
    return true;
  });
  const options = await paymentOptions(page);
  const index = options.packages.findIndex((p) => p.id === options.defaultPackageId);
  const next = options.packages[(index + 1) % options.packages.length]!;
  await page.goto('/');

  const buy = sidebar(page).getByRole('button', { name: 'Buy tokens' });
  await buy.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Buy tokens' });
  await expect(dialog).toBeVisible();
  // Focus starts on the selected package; arrows move the selection.
  const selected = dialog.getByRole('radio', { name: /credits$/, checked: true });
  await expect(selected).toBeFocused();
  await page.keyboard.press('ArrowRight');
  const nextRadio = dialog.getByRole('radio', { name: `${formatCredits(next.credits)} credits` });
  await expect(nextRadio).toBeChecked();
  await expect(nextRadio).toBeFocused();

  // One Tab stop per group: packages → methods → Continue.
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('radio', { name: 'Card' })).toBeFocused();
  if (options.methods.length > 1) {
    await page.keyboard.press('ArrowDown');
    await expect(dialog.getByRole('radio', { name: 'Card' })).not.toBeChecked();
    await page.keyboard.press('ArrowUp');
    await expect(dialog.getByRole('radio', { name: 'Card' })).toBeChecked();
  }
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Continue' })).toBeFocused();

  // Tab never leaves the modal.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);

  // Esc closes and gives focus back to the button.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(buy).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Continue' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('heading', { name: 'Payment details' })).toBeFocused();
  await expect(dialog.getByRole('button', { name: /^Pay / })).toBeEnabled();
  await dialog.getByLabel('Card number').focus();
  await page.keyboard.type(CARDS.visa);
  await page.keyboard.press('Enter');

  // Paying: a busy button, announced; Esc and the close button do nothing.
  await expect(dialog.getByRole('button', { name: 'Processing…' })).toBeDisabled();
  await expect(dialog.getByTestId('payments-live')).toHaveText('Processing your payment…');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeDisabled();
  await expect.poll(() => holdConfirm !== null).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  holdConfirm!();
  await expect(dialog.getByRole('heading', { name: 'Payment successful' })).toBeFocused({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

for (const method of ['wechat_pay', 'alipay'] as const) {
  const label = method === 'wechat_pay' ? 'WeChat Pay' : 'Alipay';
  test(`${label}: redirect to approve, back to /payments/return, receipt once credited`, async ({ page }) => {
    await routeStripe(page);
    const options = await paymentOptions(page);
    test.skip(!options.methods.includes(method), `${label} is not offered for ${options.currency}`);
    const pkg = options.packages.find((p) => p.id === options.defaultPackageId)!;
    await page.goto('/');
    const before = await balance(page);
    const dialog = await openModal(page);
    await pick(dialog, label);
    await continueToPayment(dialog);
    await expect(dialog.getByText(`You'll go to ${label} to approve the payment, then come back here.`)).toBeVisible();
    await dialog.getByRole('button', { name: `Pay ${formatMoney(pkg.amount, pkg.currency)}` }).click();

    await page.waitForURL(/\/payments\/return\?/, { timeout: 15_000 });
    await expect(page.getByTestId('receipt').getByRole('heading', { name: 'Payment successful' })).toBeVisible({
      timeout: 15_000,
    });
    // The client secret does not stay in the address bar.
    expect(page.url()).toContain('payment_intent=pi_');
    expect(page.url()).toContain('redirect_status=succeeded');
    expect(page.url()).not.toContain('client_secret');
    const receipt = page.getByTestId('receipt');
    await expect(receipt.getByTestId('receipt-credits')).toHaveText(`+${formatCredits(pkg.credits)} credits`);
    await expect(receipt).toContainText(label);
    await expect(receipt).toContainText(formatMoney(pkg.amount, pkg.currency));
    await expect(sidebar(page).getByTestId('balance')).toHaveText(formatCredits(before + pkg.credits));

    const [purchase] = await purchases(page);
    expect(purchase).toMatchObject({ paymentMethod: method, status: 'succeeded', creditedCredits: pkg.credits });
    await expect(receipt.getByTestId('receipt-reference')).toHaveText(purchase!.paymentIntentId!);
  });
}

test('the return page: a failed redirect says so and offers another try; a bad link is explained', async ({ page }) => {
  await routeStripe(page);
  await page.goto('/payments/return?payment_intent=pi_unknown123&redirect_status=failed');
  await expect(page.getByRole('heading', { name: 'Payment not completed' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText("The payment couldn't be completed.");
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('dialog', { name: 'Buy tokens' })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.goto('/payments/return');
  await expect(page.getByRole('alert')).toHaveText("This page didn't receive a payment to look up.");
  await expect(page.getByRole('link', { name: 'Back to chat' })).toBeVisible();
});

test('purchases: listed in the credit history with amount, method, status and reference', async ({ page }) => {
  await routeStripe(page);
  const options = await paymentOptions(page);
  const pkg = options.packages.find((p) => p.id === options.defaultPackageId)!;
  await page.goto('/');
  const dialog = await openModal(page);
  await continueToPayment(dialog);
  await payWithCard(dialog, CARDS.visa);
  const receipt = dialog.getByTestId('receipt');
  await expect(receipt).toBeVisible({ timeout: 15_000 });
  const reference = (await receipt.getByTestId('receipt-reference').textContent()) ?? '';
  await receipt.getByRole('link', { name: 'View purchases' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/credits\?tab=purchases$/);

  const nav = page.getByRole('navigation', { name: 'Credit history views' });
  await expect(nav.getByRole('link', { name: 'Purchases' })).toHaveAttribute('aria-current', 'page');
  const row = page.getByTestId('purchases').getByRole('row').filter({ hasText: reference });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(formatCredits(pkg.credits));
  await expect(row).toContainText(formatMoney(pkg.amount, pkg.currency));
  await expect(row).toContainText('Card');
  await expect(row).toContainText('Paid');

  // The transactions view lists the purchase's credit.
  await nav.getByRole('link', { name: 'Transactions' }).click();
  await expect(page).toHaveURL(/\/credits$/);
  await expect(page.getByRole('row').filter({ hasText: 'Purchase' })).toContainText(`+${formatCredits(pkg.credits)}`);
});

test('Chinese: prices in yuan, every label translated', async ({ page }) => {
  await routeStripe(page);
  const options = await paymentOptions(page);
  const pkg = options.packages.find((p) => p.id === options.defaultPackageId)!;
  await page.addInitScript(() => window.localStorage.setItem('tessera.language', 'zh-CN'));
  await page.goto('/');
  await sidebar(page).getByRole('button', { name: '购买积分' }).click();
  const dialog = page.getByRole('dialog', { name: '购买积分' });
  await expect(dialog.getByRole('radiogroup', { name: '选择套餐' })).toBeVisible();
  await expect(dialog.getByText('最受欢迎', { exact: true })).toBeVisible();
  await expect(dialog.getByTestId('checkout-summary')).toContainText(formatMoney(pkg.amount, pkg.currency, 'zh-CN'));
  expect(formatMoney(pkg.amount, pkg.currency, 'zh-CN')).toMatch(/^¥/);
  await expect(dialog.getByRole('radio', { name: '银行卡' })).toBeChecked();
  await dialog.getByRole('button', { name: '继续' }).click();
  await expect(dialog.getByRole('heading', { name: '付款信息' })).toBeVisible();
  await expect(
    dialog.getByRole('button', { name: `支付 ${formatMoney(pkg.amount, pkg.currency, 'zh-CN')}` }),
  ).toBeEnabled();
  await dialog.getByLabel('Card number').fill(CARDS.declined);
  await dialog.getByRole('button', { name: /^支付/ }).click();
  await expect(dialog.getByTestId('payment-error')).toHaveText('你的卡被拒绝了。请换一张卡，或联系发卡银行。');
});

test('no "Buy tokens" when the server has no Stripe keys', async ({ page }) => {
  await page.route('**/api/config', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), payments: false } });
  });
  await page.goto('/');
  await expect(sidebar(page).getByRole('button', { name: /^Claim/ })).toBeVisible();
  await expect(sidebar(page).getByRole('button', { name: 'Buy tokens' })).toHaveCount(0);
});

test('the chat notice for too few credits offers "Buy tokens"', async ({ page }) => {
  await routeStripe(page);
  await routeInsufficientCredits(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
  await send(page, 'Hello?');
  const notice = page.getByRole('alert').filter({ hasText: 'This needs 900 credits and your balance is 3.' });
  await notice.getByRole('button', { name: 'Buy tokens' }).click();
  await expect(page.getByRole('dialog', { name: 'Buy tokens' })).toBeVisible();
});
