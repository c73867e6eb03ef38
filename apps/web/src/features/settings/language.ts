import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage, type Language } from '../../i18n/index.ts';

/** The active UI language and a setter that loads and remembers it. */
export function useLanguage(): [Language, (language: Language) => void] {
  // Re-renders on languageChanged.
  useTranslation();
  return [currentLanguage(), (language) => void setLanguage(language)];
}
