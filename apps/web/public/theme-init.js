/* global document, localStorage, window */
// Runs before first paint (a classic, render-blocking script in <head>): applies the saved theme
// and language so the page never flashes the wrong one. Keep the keys in sync with
// src/features/settings/theme.ts and src/i18n/index.ts.
(function () {
  var root = document.documentElement;
  var theme = null;
  var language = null;
  try {
    theme = localStorage.getItem('tessera.theme');
    language = localStorage.getItem('tessera.language');
  } catch {
    // Storage blocked: fall back to the OS theme and the browser language.
  }
  var dark = theme === 'dark' || (theme !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
  if (language === 'en' || language === 'zh-CN') root.lang = language;
})();
