import { useMemo } from 'react';
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
