import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let nf = formatters.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
    formatters.set(key, nf);
  }
  return nf;
}

/**
 * Money from the server's minor units (fen, cents; none for zero-decimal currencies such as JPY),
 * written the way the UI language writes that currency: "CN¥35.00" in English, "¥35.00" in Chinese.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const nf = currencyFormat(locale, currency);
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(minor / 10 ** digits);
}

export function useMoneyFormat(): (minor: number, currency: string) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useCallback((minor, currency) => formatMoney(minor, currency, locale), [locale]);
}

/** A checkout id: crypto.randomUUID where the page is a secure context, random bytes otherwise (plain http on a LAN). */
export function newCheckoutId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
