import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Dates with times ("Nov 24, 2026, 8:27 AM") the way the UI language writes them. */
export function useDateTimeFormat(): Intl.DateTimeFormat {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);
}
