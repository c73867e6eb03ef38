import { readFileSync } from 'node:fs';
import type { Page, Route } from '@playwright/test';

/** The local fake Stripe API (see playwright.config.ts). */
export const FAKE_STRIPE_URL = `http://127.0.0.1:${Number(process.env.E2E_FAKE_STRIPE_PORT ?? 4012)}`;

const STUB = readFileSync(new URL('./stripe-js.js', import.meta.url), 'utf8');

export interface StripeRouting {
  /** Every call the page made to Stripe's API (method and path). */
  calls: string[];
}

/**
 * Serves the Stripe.js stand-in for https://js.stripe.com and sends https://api.stripe.com to the fake
 * Stripe server. The page keeps its real Content-Security-Policy: it still loads "Stripe.js" from
 * js.stripe.com and talks to api.stripe.com. `intercept` may answer an API call itself (e.g. to
 * simulate a network failure); return false to let it through.
 */
export async function routeStripe(
  page: Page,
  intercept?: (route: Route, path: string) => Promise<boolean>,
): Promise<StripeRouting> {
  const calls: string[] = [];
  await page.route('https://js.stripe.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: STUB }),
  );
  await page.route('https://api.stripe.com/**', async (route) => {
    const url = new URL(route.request().url());
    const method = route.request().method();
    if (method !== 'OPTIONS') calls.push(`${method} ${url.pathname}`);
    if (intercept && (await intercept(route, url.pathname))) return;
    const response = await route.fetch({ url: `${FAKE_STRIPE_URL}${url.pathname}${url.search}` });
    await route.fulfill({ response });
  });
  return { calls };
}

/** Money as the web app writes it: minor units in the UI language (en-US: "CN¥35.00"). */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const nf = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  return nf.format(minor / 10 ** (nf.resolvedOptions().maximumFractionDigits ?? 2));
}

export const formatCredits = (n: number, locale = 'en-US') => new Intl.NumberFormat(locale).format(n);

/** Stripe's test cards, by what they do. */
export const CARDS = {
  visa: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  authenticationRequired: '4000002500003155',
  processingError: '4000000000000119',
} as const;
