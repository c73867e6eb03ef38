import { useTranslation } from 'react-i18next';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { useDateTimeFormat } from '../../lib/use-date-time-format.ts';
import { usePurchases } from './api.ts';
import { paymentApiErrorMessage } from './errors.ts';
import { useMoneyFormat, useNumberFormat } from '../../lib/format.ts';
import { METHOD_MARKS } from './icons.tsx';
import { StatusBadge } from './PurchaseResult.tsx';

/** Every purchase the user started, newest first (`GET /api/payments`). */
export function PurchasesPanel() {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const money = useMoneyFormat();
  const date = useDateTimeFormat();
  const list = usePurchases();

  if (list.isError)
    return (
      <p role="alert" className="mt-6 text-sm text-danger">
        {paymentApiErrorMessage(list.error, t)}
      </p>
    );
  if (list.isPending)
    return (
      <div role="status" className="mt-10 flex justify-center text-muted">
        <Spinner className="size-6" />
        <span className="sr-only">{t('app.loading')}</span>
      </div>
    );
  if (list.data.items.length === 0)
    return <p className="mt-10 text-center text-sm text-muted">{t('payments.purchases.empty')}</p>;

  return (
    <div data-testid="purchases" className="mt-6">
      {/* Phones: one card per purchase (six columns don't fit). */}
      <ul
        aria-label={t('payments.purchases.title')}
        className="divide-y divide-line rounded-xl border border-line sm:hidden"
      >
        {list.data.items.map((p) => {
          const Mark = METHOD_MARKS[p.paymentMethod];
          return (
            <li key={p.id} className="space-y-1 px-3 py-3 text-sm">
              <div className="flex items-baseline justify-between gap-3">
                <span className="font-semibold text-fg tabular-nums">
                  {t('payments.credits', { value: nf.format(p.credits) })}
                </span>
                <span className="text-fg tabular-nums">{money(p.amount, p.currency)}</span>
              </div>
              <div className="flex items-center justify-between gap-3 text-muted">
                <span className="inline-flex min-w-0 items-center gap-1.5">
                  <Mark className="size-4 shrink-0" />
                  <span className="truncate">
                    {t(`payments.method.${p.paymentMethod}`)} · {date.format(new Date(p.paidAt ?? p.createdAt))}
                  </span>
                </span>
                <StatusBadge status={p.status} />
              </div>
              {p.refundedAmount > 0 ? (
                <p className="text-xs text-muted">
                  {t('payments.purchases.refunded', { amount: money(p.refundedAmount, p.currency) })}
                </p>
              ) : null}
              <p className="truncate font-mono text-xs text-faint">{p.paymentIntentId ?? p.id}</p>
            </li>
          );
        })}
      </ul>
      <div className="hidden overflow-x-auto rounded-xl border border-line sm:block">
        <table className="w-full min-w-[640px] text-left text-sm">
          <caption className="sr-only">{t('payments.purchases.title')}</caption>
          <thead className="bg-subtle text-xs text-muted">
            <tr>
              <th className="px-3 py-2 font-medium">{t('payments.purchases.col.date')}</th>
              <th className="px-3 py-2 text-right font-medium">{t('payments.purchases.col.credits')}</th>
              <th className="px-3 py-2 text-right font-medium">{t('payments.purchases.col.amount')}</th>
              <th className="px-3 py-2 font-medium">{t('payments.purchases.col.method')}</th>
              <th className="px-3 py-2 font-medium">{t('payments.purchases.col.status')}</th>
              <th className="px-3 py-2 font-medium">{t('payments.purchases.col.reference')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((p) => {
              const Mark = METHOD_MARKS[p.paymentMethod];
              return (
                <tr key={p.id} className="border-t border-line">
                  <td className="px-3 py-2 whitespace-nowrap text-muted">
                    {date.format(new Date(p.paidAt ?? p.createdAt))}
                  </td>
                  <td className="px-3 py-2 text-right font-medium whitespace-nowrap text-fg tabular-nums">
                    {nf.format(p.credits)}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap text-fg tabular-nums">
                    {money(p.amount, p.currency)}
                    {p.refundedAmount > 0 ? (
                      <span className="block text-xs text-muted">
                        {t('payments.purchases.refunded', { amount: money(p.refundedAmount, p.currency) })}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap text-fg">
                    <span className="inline-flex items-center gap-2">
                      <Mark className="size-5 shrink-0" />
                      {t(`payments.method.${p.paymentMethod}`)}
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={p.status} />
                  </td>
                  <td
                    className="max-w-56 truncate px-3 py-2 font-mono text-xs text-muted"
                    title={p.paymentIntentId ?? p.id}
                  >
                    {p.paymentIntentId ?? p.id}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
