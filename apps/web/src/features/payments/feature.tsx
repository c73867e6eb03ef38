import { lazy } from 'react';
import type { Feature } from '../shell/slots.tsx';
import { usePaymentsEnabled } from './api.ts';
import { BuyNoticeButton, BuyTokensButton } from './BuyTokens.tsx';

/** Buy Tokens: the sidebar button and its modal, the notice's button, the purchases tab, the return page. */
export const paymentsFeature: Feature = {
  id: 'payments',
  sidebarFooter: ({ onNavigate }) => <BuyTokensButton onOpen={onNavigate} />,
  outOfCredits: BuyNoticeButton,
  creditsTab: {
    id: 'purchases',
    label: (t) => t('payments.tabs.purchases'),
    useVisible: usePaymentsEnabled,
    Panel: lazy(() => import('./PurchasesPanel.tsx').then((m) => ({ default: m.PurchasesPanel }))),
  },
  routes: [{ path: '/payments/return', page: lazy(() => import('./PaymentReturnPage.tsx')) }],
};
