import { lazy } from 'react';
import type { Feature } from '../shell/slots.tsx';
import { BalancePanel } from './BalancePanel.tsx';

/** The balance in the sidebar and the credit history page. */
export const creditsFeature: Feature = {
  id: 'credits',
  sidebarFooter: BalancePanel,
  routes: [{ path: '/credits', page: lazy(() => import('./CreditsPage.tsx')) }],
};
