import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import { readStorage, writeStorage } from '../lib/storage.ts';

export type Resources = typeof en;

/**
 * Languages the UI ships. Labels are endonyms (each language names itself), so they read the same
 * in every locale. Add a language: add its JSON file and a loader below.
 */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

/** English ships in the main bundle; other languages are loaded on demand. */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<Resources>> = {
  'zh-CN': () => import('./locales/zh-CN.json').then((m) => m.default),
};

export const LANGUAGE_STORAGE_KEY = 'tessera.language'; // also read by /theme-init.js

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.code === value);
}

/** Maps a BCP 47 tag to a shipped language: zh* → zh-CN, en* → en, anything else → undefined. */
export function matchLanguage(tag: string): Language | undefined {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return undefined;
}

/** The saved choice, else the first browser language we ship, else English. */
export function detectLanguage(): Language {
  const saved = readStorage(LANGUAGE_STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const match = tag ? matchLanguage(tag) : undefined;
    if (match) return match;
  }
  return 'en';
}

async function ensureLoaded(language: Language): Promise<void> {
  if (language === 'en' || i18next.hasResourceBundle(language, 'translation')) return;
  const resources = await loaders[language]();
  i18next.addResourceBundle(language, 'translation', resources, true, true);
}

function syncDocument(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = i18next.dir(language);
}

/** Call once before the first render; resolves when the detected language is ready. */
export async function initI18n(): Promise<typeof i18next> {
  const language = detectLanguage();
  const resources: Partial<Record<Language, { translation: Resources }>> = { en: { translation: en } };
  if (language !== 'en') resources[language] = { translation: await loaders[language]() };
  i18next.on('languageChanged', syncDocument);
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    resources,
    partialBundledLanguages: true,
    interpolation: { escapeValue: false }, // React escapes
    react: { useSuspense: false },
  });
  syncDocument(i18next.language);
  return i18next;
}

/** Switches the UI language, loading its strings first, and remembers the choice. */
export async function setLanguage(language: Language): Promise<void> {
  await ensureLoaded(language);
  await i18next.changeLanguage(language);
  writeStorage(LANGUAGE_STORAGE_KEY, language);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}
