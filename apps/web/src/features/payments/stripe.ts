import type { Appearance, Stripe, StripeElementLocale } from '@stripe/stripe-js';
// The "pure" entry injects Stripe.js only when loadStripe is called (the default entry does it on import).
import { loadStripe } from '@stripe/stripe-js/pure';
import { useSyncExternalStore } from 'react';

const loaded = new Map<string, Promise<Stripe | null>>();

/** Stripe.js for a publishable key: loaded once, and tried again on the next call if it failed. */
export function getStripe(publishableKey: string): Promise<Stripe | null> {
  let promise = loaded.get(publishableKey);
  if (!promise) {
    promise = loadStripe(publishableKey).catch((error: unknown) => {
      loaded.delete(publishableKey);
      throw error;
    });
    loaded.set(publishableKey, promise);
  }
  return promise;
}

function subscribeToTheme(listener: () => void) {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

/** Follows the `dark` class on <html> (set by the theme setting, including "system"). */
export function useIsDark(): boolean {
  return useSyncExternalStore(subscribeToTheme, () => document.documentElement.classList.contains('dark'));
}

function token(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Stripe's Payment Element in the app's colours (read from the design tokens in index.css). */
export function stripeAppearance(dark: boolean): Appearance {
  return {
    theme: dark ? 'night' : 'stripe',
    labels: 'above',
    variables: {
      colorPrimary: token('--accent', dark ? '#2dd4bf' : '#0f766e'),
      colorBackground: token('--app', dark ? '#212121' : '#ffffff'),
      colorText: token('--fg', dark ? '#ececec' : '#0d0d0d'),
      colorTextSecondary: token('--muted', dark ? '#b4b4b4' : '#5d5d5d'),
      colorDanger: token('--danger', dark ? '#f87171' : '#c81e1e'),
      fontFamily:
        "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC', 'Microsoft YaHei', sans-serif",
      fontSizeBase: '15px',
      borderRadius: '12px',
      spacingUnit: '4px',
    },
    rules: {
      '.Input': { borderColor: token('--line-strong', dark ? '#4a4a4a' : '#cdcdcd'), boxShadow: 'none' },
      '.Tab': { borderColor: token('--line', dark ? '#383838' : '#e3e3e3'), boxShadow: 'none' },
    },
  };
}

/** Stripe's locale for the UI language. */
export function stripeLocale(language: string): StripeElementLocale {
  return language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
