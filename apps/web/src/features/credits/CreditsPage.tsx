import type { TransactionKind } from '@tessera/shared';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { transactionDetail, transactionLabel } from './describe.ts';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNumberFormat } from '../../lib/format.ts';
import { useLoadMore } from '../../lib/use-load-more.ts';
import { useSearchParams } from 'wouter';
import { useCreditsTabs } from '../shell/slots.tsx';
import { transactionsQuery, useBalance, useTransactions } from './api.ts';
import { CreditsTabs } from './CreditsTabs.tsx';

const FILTERS: readonly { key: string; kinds: readonly TransactionKind[] }[] = [
  { key: 'all', kinds: [] },
  { key: 'spend', kinds: ['spend'] },
  { key: 'claim', kinds: ['claim'] },
  { key: 'purchase', kinds: ['purchase', 'auto_refill'] },
  { key: 'refund', kinds: ['refund', 'reversal', 'release'] },
  { key: 'other', kinds: ['grant', 'admin_adjust', 'hold'] },
];

function PanelLoading() {
  const { t } = useTranslation();
  return (
    <div role="status" className="mt-10 flex justify-center text-muted">
      <Spinner className="size-6" />
      <span className="sr-only">{t('app.loading')}</span>
    </div>
  );
}

/** The credit history: every claim, purchase and charge, newest first; tabs that features add beside it. */
export default function CreditsPage() {
  const { t, i18n } = useTranslation();
  const nf = useNumberFormat();
  useDocumentTitle(t('credits.historyTitle'));
  const [filter, setFilter] = useState('all');
  const kinds = FILTERS.find((f) => f.key === filter)?.kinds ?? [];
  const list = useTransactions(kinds);
  const balance = useBalance();
  const sentinel = useLoadMore(list);
  const [search] = useSearchParams();
  const tabs = useCreditsTabs();
  const other = tabs.find((candidate) => candidate.id === search.get('tab'));
  const tab = other?.id ?? 'transactions';

  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const exportHref = `/api/transactions/export.csv?${transactionsQuery(kinds)}`;

  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-fg">{t('credits.historyTitle')}</h1>
          <p className="mt-1 text-sm text-muted">
            {t('credits.balance')}:{' '}
            <span className="font-semibold text-fg tabular-nums">
              {balance.data ? nf.format(balance.data.credits) : '—'}
            </span>
            <span className="ml-2 text-faint">{t('credits.unit')}</span>
          </p>
        </div>
        {tab === 'transactions' ? (
          <div className="flex items-center gap-2">
            <label className="text-sm text-muted">
              <span className="sr-only">{t('credits.kindFilter')}</span>
              <select
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                aria-label={t('credits.kindFilter')}
                className="focus-ring h-9 cursor-pointer rounded-lg border border-line bg-elevated px-2 text-sm text-fg"
              >
                {FILTERS.map((f) => (
                  <option key={f.key} value={f.key}>
                    {t(`credits.filters.${f.key}` as 'credits.filters.all')}
                  </option>
                ))}
              </select>
            </label>
            <a
              href={exportHref}
              download
              className="focus-ring inline-flex h-9 items-center rounded-lg border border-line-strong px-3 text-sm font-medium text-fg hover:bg-subtle"
            >
              {t('credits.export')}
            </a>
          </div>
        ) : null}
      </div>

      {tabs.length > 0 ? <CreditsTabs value={tab} tabs={tabs} /> : null}

      {other ? (
        <Suspense fallback={<PanelLoading />}>
          <other.Panel />
        </Suspense>
      ) : list.isError ? (
        <p role="alert" className="mt-6 text-sm text-danger">
          {errorMessage(list.error, t)}
        </p>
      ) : list.isPending ? (
        <PanelLoading />
      ) : items.length === 0 ? (
        <p className="mt-10 text-center text-sm text-muted">{t('credits.empty')}</p>
      ) : (
        <div className="mt-6 overflow-x-auto rounded-xl border border-line">
          <table className="w-full min-w-[640px] text-left text-sm">
            <thead className="bg-subtle text-xs text-muted">
              <tr>
                <th className="px-3 py-2 font-medium">{t('credits.col.date')}</th>
                <th className="px-3 py-2 font-medium">{t('credits.col.kind')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('credits.col.amount')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('credits.col.balanceAfter')}</th>
                <th className="px-3 py-2 font-medium">{t('credits.col.model')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('credits.col.tokens')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((tx) => (
                <tr key={tx.id} className="border-t border-line">
                  <td className="px-3 py-2 whitespace-nowrap text-muted">{date.format(new Date(tx.createdAt))}</td>
                  <td className="px-3 py-2">{transactionLabel(tx, t)}</td>
                  <td
                    className={`px-3 py-2 text-right font-medium tabular-nums ${tx.amount > 0 ? 'text-green-700 dark:text-green-400' : 'text-fg'}`}
                  >
                    {tx.amount > 0 ? '+' : tx.amount < 0 ? '−' : ''}
                    {nf.format(Math.abs(tx.amount))}
                  </td>
                  <td className="px-3 py-2 text-right text-muted tabular-nums">{nf.format(tx.balanceAfter)}</td>
                  <td className="max-w-48 truncate px-3 py-2 text-muted">{transactionDetail(tx, t)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap text-muted tabular-nums">
                    {tx.inputTokens !== null || tx.outputTokens !== null
                      ? `${nf.format(tx.inputTokens ?? 0)} / ${nf.format(tx.outputTokens ?? 0)}`
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div ref={sentinel} className="h-px" />
          {list.isFetchingNextPage ? (
            <div className="flex justify-center py-3 text-muted">
              <Spinner />
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}
