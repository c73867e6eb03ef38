import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Logo } from '../../../components/ui/Logo.tsx';
import { LanguageSelect } from '../../settings/LanguageSelect.tsx';
import { useConfig } from '../hooks.ts';

/** The centred card used by the sign-in and sign-up pages. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const config = useConfig();
  return (
    <div className="flex min-h-dvh flex-col bg-app">
      <header className="flex items-center justify-between px-4 py-3 sm:px-6">
        <div className="flex items-center gap-2 text-[15px] font-semibold text-fg">
          <Logo className="size-7" />
          <span>{t('app.name')}</span>
        </div>
        <LanguageSelect />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-[8vh] pb-12 sm:pt-[18vh]">
        <div className="w-full max-w-sm">
          <div className="mb-8 text-center">
            <h1 className="text-2xl font-semibold tracking-tight text-fg sm:text-[28px]">{title}</h1>
            {subtitle ? <p className="mt-2 text-[15px] text-muted">{subtitle}</p> : null}
          </div>
          {children}
          {footer ? <div className="mt-6 text-center text-sm text-muted">{footer}</div> : null}
        </div>
      </main>
      <footer className="px-4 pb-4 text-center text-xs text-faint">
        {config.data ? t('app.version', { version: config.data.version }) : '\u00a0'}
      </footer>
    </div>
  );
}
