import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { cn } from '../../components/ui/cn.ts';

export type CreditsTab = 'transactions' | 'purchases';

const TABS: readonly { id: CreditsTab; href: string }[] = [
  { id: 'transactions', href: '/credits' },
  { id: 'purchases', href: '/credits?tab=purchases' },
];

/** The credit history's two views, as links (each has its own address): every transaction, or purchases. */
export function CreditsTabs({ value }: { value: CreditsTab }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('payments.tabs.label')} className="mt-5 flex gap-1 border-b border-line">
      {TABS.map(({ id, href }) => (
        <Link
          key={id}
          href={href}
          replace
          aria-current={value === id ? 'page' : undefined}
          className={cn(
            'focus-ring -mb-px rounded-t-lg border-b-2 px-3 py-2 text-sm font-medium',
            value === id ? 'border-accent text-fg' : 'border-transparent text-muted hover:text-fg',
          )}
        >
          {t(`payments.tabs.${id}`)}
        </Link>
      ))}
    </nav>
  );
}
