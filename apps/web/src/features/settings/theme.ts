import { useSyncExternalStore } from 'react';
import { readStorage, writeStorage } from '../../lib/storage.ts';

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_STORAGE_KEY = 'tessera.theme'; // also read by /theme-init.js

const media = () => window.matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<() => void>();

function isTheme(value: unknown): value is Theme {
  return THEMES.includes(value as Theme);
}

export function getTheme(): Theme {
  const saved = readStorage(THEME_STORAGE_KEY);
  return isTheme(saved) ? saved : 'system';
}

/** Puts the `dark` class (and the matching color-scheme) on <html> for the given choice. */
export function applyTheme(theme: Theme = getTheme()): void {
  const dark = theme === 'dark' || (theme === 'system' && media().matches);
  const root = document.documentElement;
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
  // Mobile browser chrome follows the chosen theme, not only the OS one.
  for (const meta of document.querySelectorAll('meta[name="theme-color"]')) {
    meta.setAttribute('content', dark ? '#212121' : '#ffffff');
  }
}

function notify(): void {
  applyTheme();
  for (const listener of listeners) listener();
}

export function setTheme(theme: Theme): void {
  writeStorage(THEME_STORAGE_KEY, theme);
  notify();
}

/**
 * Keeps <html> in step with the OS (when the choice is 'system') and with other tabs.
 * Call once at start-up.
 */
export function watchTheme(): () => void {
  const mql = media();
  const onMedia = () => {
    if (getTheme() === 'system') notify();
  };
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY) notify();
  };
  mql.addEventListener('change', onMedia);
  window.addEventListener('storage', onStorage);
  applyTheme();
  return () => {
    mql.removeEventListener('change', onMedia);
    window.removeEventListener('storage', onStorage);
  };
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The saved choice ('light' | 'dark' | 'system') and a setter. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore(subscribe, getTheme, () => 'system' as const);
  return [theme, setTheme];
}
