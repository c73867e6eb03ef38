import type { CreditPackage, PaymentMethod, PaymentOptions } from '@tessera/shared';
import type { CreditPackageConfig } from '../config/schema.ts';
import type { PaymentsConfig } from './stripe.ts';

interface Availability {
  currencies: readonly string[] | 'any';
  countries: readonly string[] | 'any';
}

const EEA = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];

/** Where Stripe offers each method: the account's country and the charge's currency (Stripe's docs). */
const AVAILABILITY: Record<PaymentMethod, Availability> = {
  card: { currencies: 'any', countries: 'any' },
  wechat_pay: {
    currencies: ['aud', 'cad', 'cny', 'eur', 'gbp', 'hkd', 'jpy', 'sgd', 'usd', 'dkk', 'nok', 'sek', 'chf'],
    countries: [...EEA, 'AU', 'CA', 'CH', 'GB', 'HK', 'JP', 'SG', 'US'],
  },
  alipay: {
    currencies: ['aud', 'cad', 'cny', 'eur', 'gbp', 'hkd', 'jpy', 'myr', 'nzd', 'sgd', 'usd'],
    countries: [...EEA, 'AU', 'CA', 'CH', 'GB', 'HK', 'HR', 'JP', 'LI', 'MY', 'NZ', 'SG', 'US'],
  },
  // Stablecoin payments settle in USD for US businesses.
  crypto: { currencies: ['usd'], countries: ['US'] },
};

export function methodsFor(payments: PaymentsConfig): PaymentMethod[] {
  return payments.methods.filter((method) => {
    const { currencies, countries } = AVAILABILITY[method];
    return (
      (currencies === 'any' || currencies.includes(payments.currency)) &&
      (countries === 'any' || countries.includes(payments.country))
    );
  });
}

/** Discounts are measured against the package with the highest price per credit (the base rate). */
export function describePackages(payments: PaymentsConfig): CreditPackage[] {
  const baseRate = Math.max(...payments.packages.map((p) => p.amount / p.credits));
  return payments.packages.map((p) => {
    const originalAmount = Math.round(p.credits * baseRate);
    return {
      id: p.id,
      credits: p.credits,
      amount: p.amount,
      currency: payments.currency,
      originalAmount,
      discountPercent: Math.max(0, Math.round((1 - p.amount / originalAmount) * 100)),
      pricePer100k: Math.round((p.amount * 100_000 * 100) / p.credits) / 100,
      popular: p.popular,
    };
  });
}

export function findPackage(payments: PaymentsConfig, id: string): CreditPackageConfig | undefined {
  return payments.packages.find((p) => p.id === id);
}

export function paymentOptions(payments: PaymentsConfig): PaymentOptions {
  const packages = describePackages(payments);
  return {
    publishableKey: payments.stripe.publishableKey ?? '',
    currency: payments.currency,
    packages,
    methods: methodsFor(payments),
    defaultPackageId: (packages.find((p) => p.popular) ?? packages[0]!).id,
  };
}
