import type { TFunction } from 'i18next';
import type { ComponentType } from 'react';

/**
 * Extension points of the app shell, filled by features. A feature says what it puts where (a
 * `Feature`), the app entry installs the features (app/features.ts), and the shell, the chat and
 * the credit history only ever look here, so a feature can be read, changed or removed as one
 * folder plus its line in app/features.ts. This file imports no feature.
 */

/** A tab of the credit history beside its transactions, at /credits?tab=<id>. */
export interface CreditsTab {
  id: string;
  label: (t: TFunction) => string;
  /** A hook: whether the tab is offered now (purchases only while payments are configured). */
  useVisible: () => boolean;
  Panel: ComponentType;
}

/** A signed-in page (rendered lazily: pass a `lazy()` component to keep it out of the first load). */
export interface FeatureRoute {
  path: string;
  page: ComponentType;
}

export interface Feature {
  id: string;
  /** The main pane's header (the model picker). */
  header?: ComponentType;
  /** The sidebar footer, above the account menu, in install order (balance, claim, buy). */
  sidebarFooter?: ComponentType<{ onNavigate?: () => void }>;
  /** Ways to get credits, offered in the chat's "not enough credits" notice; `onDone` dismisses it. */
  outOfCredits?: ComponentType<{ onDone: () => void }>;
  creditsTab?: CreditsTab;
  routes?: readonly FeatureRoute[];
}

let features: readonly Feature[] = [];

/** Called once by the app entry, before the first render. */
export function installFeatures(list: readonly Feature[]): void {
  features = list;
}

export function featureRoutes(): readonly FeatureRoute[] {
  return features.flatMap((f) => f.routes ?? []);
}

/** The credit history's extra tabs that are offered now. */
export function useCreditsTabs(): CreditsTab[] {
  // The installed features never change after start-up, so these hooks run in the same order on every render.
  return features.flatMap((f) => (f.creditsTab ? [f.creditsTab] : [])).filter((tab) => tab.useVisible());
}

export function HeaderSlot() {
  return features.map((f) => (f.header ? <f.header key={f.id} /> : null));
}

export function SidebarFooterSlot({ onNavigate }: { onNavigate?: () => void }) {
  const items = features.filter((f) => f.sidebarFooter);
  if (items.length === 0) return null;
  return (
    <div className="space-y-2 px-1">
      {items.map((f) => (f.sidebarFooter ? <f.sidebarFooter key={f.id} onNavigate={onNavigate} /> : null))}
    </div>
  );
}

export function OutOfCreditsSlot({ onDone }: { onDone: () => void }) {
  return features.map((f) => (f.outOfCredits ? <f.outOfCredits key={f.id} onDone={onDone} /> : null));
}
