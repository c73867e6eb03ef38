import { lazy, Suspense } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { PlusIcon } from '../../components/ui/icons.tsx';
import { LoadingOverlay } from '../../components/ui/Spinner.tsx';
import { usePaymentsEnabled } from './api.ts';
import { closeBuyTokens, openBuyTokens, useBuyTokensOpen, useIsActiveHost } from './store.ts';

// The modal (and Stripe.js with it) is its own chunk: fetched when the button is first pointed at.
const loadModal = () => import('./BuyTokensModal.tsx');
const BuyTokensModal = lazy(loadModal);

/** Renders the modal for whoever opened it; one host per page does. */
export function BuyTokensHost() {
  const { t } = useTranslation();
  const active = useIsActiveHost();
  const open = useBuyTokensOpen();
  if (!active || !open) return null;
  return createPortal(
    <Suspense fallback={<LoadingOverlay label={t('app.loading')} />}>
      <BuyTokensModal onClose={closeBuyTokens} />
    </Suspense>,
    document.body,
  );
}

/**
 * "Buy tokens" for the sidebar, beside the daily claim. Hidden while the server has no Stripe keys.
 * `onOpen` closes the mobile drawer it sits in.
 */
export function BuyTokensButton({ onOpen }: { onOpen?: () => void }) {
  const { t } = useTranslation();
  const enabled = usePaymentsEnabled();
  if (!enabled) return null;
  return (
    <>
      <button
        type="button"
        data-testid="buy-tokens"
        onClick={() => {
          // From the mobile drawer: the modal takes the whole screen, and links in it lead elsewhere.
          onOpen?.();
          openBuyTokens();
        }}
        onPointerEnter={() => void loadModal()}
        onFocus={() => void loadModal()}
        className="focus-ring flex h-9 w-full cursor-pointer items-center justify-center gap-2 rounded-xl border border-line-strong px-3 text-sm font-medium text-fg transition-colors hover:bg-subtle"
      >
        <PlusIcon className="size-4" strokeWidth={2} />
        {t('payments.buy')}
      </button>
      <BuyTokensHost />
    </>
  );
}

/** "Buy tokens" in the chat's not-enough-credits notice (while payments are configured). */
export function BuyNoticeButton() {
  const { t } = useTranslation();
  if (!usePaymentsEnabled()) return null;
  return (
    <button
      type="button"
      onClick={openBuyTokens}
      className="focus-ring cursor-pointer rounded-full border border-danger/40 px-3 py-1.5 text-xs font-medium text-fg hover:bg-elevated"
    >
      {t('payments.buy')}
    </button>
  );
}
