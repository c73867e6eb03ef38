import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Credits and token counts with the current language's thousands separators. */
export function useNumberFormat() {
  const { i18n } = useTranslation();
  return useMemo(
    () => new Intl.NumberFormat(i18n.resolvedLanguage ?? i18n.language),
    [i18n.resolvedLanguage, i18n.language],
  );
}

/** "23h 2m 24s" from milliseconds. */
export function splitDuration(ms: number): { h: number; m: number; s: number } {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

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
