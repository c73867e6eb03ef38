import type { Me } from '@tessera/shared';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/ui/Button.tsx';
import { SettingsIcon } from '../components/ui/icons.tsx';
import { Logo } from '../components/ui/Logo.tsx';
import { useShell } from '../features/shell/context.ts';
import { useDocumentTitle } from '../lib/use-document-title.ts';

/** The empty state of the main pane. The chat composer takes this place in a later issue. */
export function HomePage({ user }: { user: Me }) {
  const { t } = useTranslation();
  const { openSettings } = useShell();
  useDocumentTitle(t('home.docTitle'));
  return (
    <div className="flex min-h-full flex-col items-center justify-center px-6 py-12 text-center">
      <Logo className="mb-6 size-12" />
      <h1 className="text-2xl font-semibold tracking-tight text-fg sm:text-3xl">
        {t('home.welcome', { name: user.name })}
      </h1>
      <p className="mt-3 max-w-md text-[15px] leading-relaxed text-muted">{t('home.subtitle')}</p>
      <Button
        variant="secondary"
        className="mt-8"
        icon={<SettingsIcon className="size-[18px]" />}
        onClick={() => openSettings()}
      >
        {t('home.openSettings')}
      </Button>
    </div>
  );
}
