import { paymentIntentParamsSchema } from '@tessera/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { Button } from '../../components/ui/Button.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { usePaymentsEnabled } from './api.ts';
import { PurchaseWaiter } from './PurchaseResult.tsx';
import { openBuyTokens } from './store.ts';

const linkClass =
  'focus-ring inline-flex h-10 items-center justify-center rounded-xl px-4 text-sm font-medium whitespace-nowrap';

/**
 * Where redirect-based methods (WeChat Pay, Alipay, crypto) come back to:
 * /payments/return?payment_intent=pi_…&redirect_status=succeeded|failed|processing.
 * Waits for the server's record of the payment and shows the receipt or the failure.
 */
export default function PaymentReturnPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('payments.return.docTitle'));
  const [params, setParams] = useSearchParams();
  const paymentsEnabled = usePaymentsEnabled();
  const [live, setLive] = useState('');
  const id = params.get('payment_intent') ?? '';
  const redirectStatus = params.get('redirect_status');
  const valid = paymentIntentParamsSchema.safeParse({ paymentIntentId: id }).success;

  // The client secret has no business in the address bar or the history.
  useEffect(() => {
    if (!params.has('payment_intent_client_secret')) return;
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.delete('payment_intent_client_secret');
        return next;
      },
      { replace: true },
    );
  }, [params, setParams]);

  const known = redirectStatus === 'failed' || redirectStatus === 'canceled';
  const done = (
    <>
      <Link href="/" className={`${linkClass} bg-primary text-primary-fg hover:bg-primary-hover`}>
        {t('payments.return.backToChat')}
      </Link>
      <Link href="/credits?tab=purchases" className={`${linkClass} text-accent hover:bg-subtle`}>
        {t('payments.receipt.viewPurchases')}
      </Link>
    </>
  );

  return (
    <div className="mx-auto w-full max-w-lg px-4 py-8 sm:py-12">
      <h1 className="mb-6 text-2xl font-semibold tracking-tight text-fg">{t('payments.return.title')}</h1>
      <div className="rounded-2xl border border-line bg-elevated p-5 sm:p-6">
        {valid ? (
          <PurchaseWaiter
            paymentIntentId={id}
            expectSuccess={!known}
            knownFailure={known}
            onAnnounce={setLive}
            receiptActions={done}
            failureActions={
              <>
                {paymentsEnabled ? <Button onClick={openBuyTokens}>{t('payments.failed.tryAgain')}</Button> : null}
                <Link href="/" className={`${linkClass} border border-line-strong text-fg hover:bg-subtle`}>
                  {t('payments.return.backToChat')}
                </Link>
              </>
            }
          />
        ) : (
          <div className="space-y-4 text-center">
            <p role="alert" className="text-sm text-fg">
              {t('payments.return.missing')}
            </p>
            <div className="flex flex-wrap justify-center gap-2">{done}</div>
          </div>
        )}
      </div>
      <div aria-live="polite" className="sr-only">
        {live}
      </div>
    </div>
  );
}
