import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { cn } from '../../components/ui/cn.ts';
import type { CreditsTab } from '../shell/slots.tsx';

/**
 * The credit history's views, as links (each has its own address): every transaction, then the
 * tabs features add (purchases).
 */
export function CreditsTabs({ value, tabs }: { value: string; tabs: readonly CreditsTab[] }) {
  const { t } = useTranslation();
  // The strings still live under payments.tabs in the locale files (they came from there).
  const links = [
    { id: 'transactions', href: '/credits', label: t('payments.tabs.transactions') },
    ...tabs.map((tab) => ({ id: tab.id, href: `/credits?tab=${encodeURIComponent(tab.id)}`, label: tab.label(t) })),
  ];
  return (
    <nav aria-label={t('payments.tabs.label')} className="mt-5 flex gap-1 border-b border-line">
      {links.map(({ id, href, label }) => (
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
          {label}
        </Link>
      ))}
    </nav>
  );
}
