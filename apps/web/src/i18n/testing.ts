import i18next, { type TFunction } from 'i18next';
import type { Resources } from './index.ts';

/**
 * Every shipped locale file, by language code (found on disk, not listed by hand): for tests that
 * demand a translation in each language.
 */
export const LOCALES: Readonly<Record<string, Resources>> = Object.fromEntries(
  Object.entries(import.meta.glob<Resources>('./locales/*.json', { eager: true, import: 'default' })).map(
    ([path, strings]) => [path.replace(/^.*\/(.+)\.json$/, '$1'), strings],
  ),
);

/** i18next's own t over one locale, configured as the app configures it (interpolation, formatters, no fallback). */
export function tFor(language: string): TFunction {
  const resources = LOCALES[language];
  if (!resources) throw new Error(`No locale file for ${language}`);
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: false,
    resources: { [language]: { translation: resources } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance.t;
}

/** The dotted keys of a locale's strings. */
export function keysOf(node: unknown, prefix = ''): string[] {
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

/** The string at a dotted key, or undefined. */
export function stringAt(strings: unknown, key: string): string | undefined {
  const value = key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], strings);
  return typeof value === 'string' ? value : undefined;
}
