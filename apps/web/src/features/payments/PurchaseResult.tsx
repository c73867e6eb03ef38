import type { Purchase, PurchaseStatus } from '@tessera/shared';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/Alert.tsx';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { AlertIcon, CheckIcon } from '../../components/ui/icons.tsx';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { useDateTimeFormat } from '../../lib/use-date-time-format.ts';
import { isPaid, usePurchase, useRefreshAfterPurchase } from './api.ts';
import { describeFailureCode, paymentApiErrorMessage } from './errors.ts';
import { useMoneyFormat, useNumberFormat } from '../../lib/format.ts';

/** How long to wait for the webhook that credits a payment before saying it is taking a while. */
export const CONFIRM_TIMEOUT_MS = 60_000;

const STATUS_TONE: Record<PurchaseStatus, string> = {
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-400/15 dark:text-amber-300',
  succeeded: 'bg-green-100 text-green-800 dark:bg-green-400/15 dark:text-green-300',
  failed: 'bg-danger-soft text-danger',
  canceled: 'bg-subtle text-muted',
  partially_refunded: 'bg-subtle text-fg',
  refunded: 'bg-subtle text-fg',
  disputed: 'bg-danger-soft text-danger',
};

export function StatusBadge({ status }: { status: PurchaseStatus }) {
  const { t } = useTranslation();
  return (
    <span
      className={cn('inline-flex rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap', STATUS_TONE[status])}
    >
      {t(`payments.status.${status}`)}
    </span>
  );
}

/** Moves focus to a heading when it appears, so screen readers read the new state. */
function useFocusOnMount<T extends HTMLElement>(enabled = true) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [enabled]);
  return ref;
}

/** The receipt, built from the server's record of the purchase. */
export function Receipt({ purchase, actions }: { purchase: Purchase; actions?: ReactNode }) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const money = useMoneyFormat();
  const date = useDateTimeFormat();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const rows: [string, ReactNode][] = [
    [t('payments.receipt.amount'), money(purchase.amount, purchase.currency)],
    [t('payments.receipt.date'), date.format(new Date(purchase.paidAt ?? purchase.createdAt))],
    [t('payments.receipt.method'), t(`payments.method.${purchase.paymentMethod}`)],
    [
      t('payments.receipt.reference'),
      <span key="ref" className="font-mono text-[13px] break-all" data-testid="receipt-reference">
        {purchase.paymentIntentId ?? purchase.id}
      </span>,
    ],
  ];
  if (purchase.status !== 'succeeded')
    rows.push([t('payments.receipt.status'), <StatusBadge key="status" status={purchase.status} />]);

  return (
    <section aria-labelledby="receipt-title" data-testid="receipt" className="space-y-5">
      <div className="flex flex-col items-center text-center">
        <span className="mb-3 inline-flex size-12 items-center justify-center rounded-full bg-green-100 text-green-700 dark:bg-green-400/15 dark:text-green-300">
          <CheckIcon className="size-6" />
        </span>
        <h3 id="receipt-title" ref={heading} tabIndex={-1} className="text-xl font-semibold text-fg outline-none">
          {t('payments.receipt.title')}
        </h3>
        <p className="mt-2 text-3xl font-semibold tracking-tight text-fg tabular-nums" data-testid="receipt-credits">
          {t('payments.receipt.added', { credits: nf.format(purchase.creditedCredits) })}
        </p>
        <p className="mt-1 text-sm text-muted">{t('payments.receipt.addedNote')}</p>
      </div>
      <dl className="divide-y divide-line rounded-xl border border-line text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="flex items-baseline justify-between gap-4 px-4 py-2.5">
            <dt className="shrink-0 text-muted">{label}</dt>
            <dd className="min-w-0 text-right text-fg tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {actions ? <div className="flex flex-wrap justify-center gap-2">{actions}</div> : null}
    </section>
  );
}

function Centered({ icon, title, children }: { icon: ReactNode; title: string; children?: ReactNode }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="flex flex-col items-center gap-3 py-6 text-center">
      {icon}
      <h3 ref={heading} tabIndex={-1} className="text-lg font-semibold text-fg outline-none">
        {title}
      </h3>
      {children}
    </section>
  );
}

export interface PurchaseWaiterProps {
  paymentIntentId: string;
  /**
   * Stripe told the browser the payment went through: an older "failed" record (an earlier declined
   * card on the same PaymentIntent) is stale, so keep waiting for the credits.
   */
  expectSuccess: boolean;
  /** Stripe told the browser the payment did not go through (redirect_status=failed). */
  knownFailure?: boolean;
  /** Buttons under the receipt. */
  receiptActions?: ReactNode;
  /** Buttons under a failure ("Try again"). */
  failureActions?: ReactNode;
  /** Announced in the page's live region: processing, credited, failed. */
  onAnnounce?: (text: string) => void;
}

/**
 * Waits for the server's record of a payment (polling every second, up to a minute), then shows the
 * receipt, the failure, or a "still confirming" note.
 */
export function PurchaseWaiter({
  paymentIntentId,
  expectSuccess,
  knownFailure = false,
  receiptActions,
  failureActions,
  onAnnounce,
}: PurchaseWaiterProps) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const refresh = useRefreshAfterPurchase();
  const [deadline, setDeadline] = useState(() => Date.now() + CONFIRM_TIMEOUT_MS);
  const [timedOut, setTimedOut] = useState(false);

  useEffect(() => {
    const id = setTimeout(() => setTimedOut(true), Math.max(0, deadline - Date.now()));
    return () => clearTimeout(id);
  }, [deadline]);

  const settled = (p: Purchase | undefined): boolean =>
    p !== undefined && (isPaid(p) || (!expectSuccess && (p.status === 'failed' || p.status === 'canceled')));
  const query = usePurchase(paymentIntentId, (p) => !knownFailure && !timedOut && !settled(p));
  const purchase = query.data;
  const paid = purchase !== undefined && isPaid(purchase);
  const failed =
    !paid &&
    (knownFailure ||
      (purchase !== undefined && !expectSuccess && (purchase.status === 'failed' || purchase.status === 'canceled')));

  const announced = useRef('');
  const announce = (text: string) => {
    if (announced.current === text) return;
    announced.current = text;
    onAnnounce?.(text);
  };
  const paidCredits = paid ? purchase.creditedCredits : undefined;
  useEffect(() => {
    if (paidCredits === undefined) return;
    refresh();
    announce(t('payments.live.credited', { credits: nf.format(paidCredits) }));
  }, [paidCredits]); // once per credited purchase

  if (paid) return <Receipt purchase={purchase} actions={receiptActions} />;

  if (failed) {
    const message =
      purchase?.status === 'canceled'
        ? t('payments.errors.canceled')
        : describeFailureCode(purchase?.failureCode ?? null, t);
    return (
      <Centered
        title={t('payments.failed.title')}
        icon={
          <span className="inline-flex size-12 items-center justify-center rounded-full bg-danger-soft text-danger">
            <AlertIcon className="size-6" />
          </span>
        }
      >
        <p role="alert" className="max-w-sm text-sm text-fg">
          {message}
        </p>
        {failureActions ? <div className="mt-2 flex flex-wrap justify-center gap-2">{failureActions}</div> : null}
      </Centered>
    );
  }

  if (query.isError && !query.isFetching) {
    return (
      <div className="space-y-3">
        <Alert>{paymentApiErrorMessage(query.error, t)}</Alert>
        <div className="flex justify-center">
          <Button variant="secondary" onClick={() => void query.refetch()}>
            {t('payments.retry')}
          </Button>
        </div>
      </div>
    );
  }

  if (timedOut) {
    return (
      <Centered
        title={t('payments.stillWaiting.title')}
        icon={
          <span className="inline-flex size-12 items-center justify-center rounded-full bg-subtle text-muted">
            <Spinner className="size-6" />
          </span>
        }
      >
        <p className="max-w-sm text-sm text-muted">{t('payments.stillWaiting.body')}</p>
        <div className="mt-2 flex flex-wrap justify-center gap-2">
          <Button
            variant="secondary"
            onClick={() => {
              setTimedOut(false);
              setDeadline(Date.now() + CONFIRM_TIMEOUT_MS);
              void query.refetch();
            }}
          >
            {t('payments.stillWaiting.checkAgain')}
          </Button>
          {receiptActions}
        </div>
      </Centered>
    );
  }

  return (
    <div role="status" className="flex flex-col items-center gap-3 py-10 text-center text-muted">
      <Spinner className="size-7" />
      <p className="text-sm text-fg">{t('payments.confirming')}</p>
    </div>
  );
}
