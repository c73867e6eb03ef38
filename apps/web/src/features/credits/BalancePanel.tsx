import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useNumberFormat } from '../../lib/format.ts';
import { useBalance } from './api.ts';

/** Sidebar footer: the balance, a link to the credit history. */
export function BalancePanel({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const balance = useBalance();
  return (
    <Link
      href="/credits"
      onClick={onNavigate}
      className="focus-ring flex items-baseline justify-between gap-2 rounded-lg px-1.5 py-1 text-sm hover:bg-subtle"
      aria-label={
        balance.data ? t('credits.balanceLabel', { value: nf.format(balance.data.credits) }) : t('credits.history')
      }
    >
      <span className="text-muted">{t('credits.balance')}</span>
      <span className="font-semibold text-fg tabular-nums" data-testid="balance">
        {balance.data ? nf.format(balance.data.credits) : '—'}
      </span>
    </Link>
  );
}
